import { pointerToken } from './coerce.ts'
import { BodySyntaxError } from './types.ts'
import { attributeValue, characterData } from './xml-references.ts'

/** A node of fast-xml-parser's `preserveOrder` output: `{ [name]: children, ':@': attrs }`. */
export type XmlNode = Record<string, unknown>

/**
 * Put before names JavaScript treats specially: no XML name can start with it, so such a name
 * never reaches a property lookup (fast-xml-parser would throw a plain Error or rename it).
 */
export const FORBIDDEN_MARK = '\u0000'

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'
const XML_NS = 'http://www.w3.org/XML/1998/namespace'

/** The namespace prefixes in scope, innermost binding first (Namespaces in XML 1.0 §6). */
export interface Scope {
  readonly prefix: string
  readonly uri: string
  readonly parent: Scope | undefined
  /** Bindings in the chain, this one included. */
  readonly size: number
}

/**
 * Namespace declarations in scope at most. Each prefixed name walks the chain, so without a
 * bound a body of N declarations and N prefixed names costs N² (a 1 MB body: seconds).
 */
export const MAX_NAMESPACE_BINDINGS = 64

/** An element with its names resolved: what the reader asks of it. */
export interface XmlElement {
  node: XmlNode
  /** The node's key in fast-xml-parser's output: the qualified name. */
  tag: string
  /** The local name, which members match whatever the namespace. */
  name: string
  scope: Scope | undefined
  /** The unprefixed `key` attribute (dictionary entries). */
  key: string | undefined
  /** The unprefixed `type` attribute (free-form data). */
  type: string | undefined
  /** `nil="true"` in the XML Schema instance namespace, under whatever prefix. */
  nil: boolean
  /**
   * The names, as sent, of the attributes that may hold data: `key` and `type` included, which
   * only some places read. Namespace declarations and attributes in the `xml` and XML Schema
   * instance namespaces are left out: they describe the document, and serializers add them
   * (`xml:lang`, `xsi:type`, `xsi:schemaLocation`) whatever the data.
   */
  attributes: readonly string[]
}

export const nameOf = (node: XmlNode): string => {
  for (const key of Object.keys(node)) if (key !== ':@') return key
  return ''
}

/** The part of a qualified name after its prefix. */
export const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1)

const bind = (scope: Scope | undefined, prefix: string, uri: string, pointer: string): Scope => {
  if (prefix === 'xmlns' || (prefix === 'xml') !== (uri === XML_NS))
    throw new BodySyntaxError(`xmlns:${prefix}="${uri}" is a reserved binding`, pointer)
  if (uri === '') throw new BodySyntaxError(`xmlns:${prefix} must name a namespace`, pointer)
  const size = (scope?.size ?? 0) + 1
  if (size > MAX_NAMESPACE_BINDINGS)
    throw new BodySyntaxError(
      `more than ${MAX_NAMESPACE_BINDINGS} namespace declarations are in scope`,
      pointer,
    )
  return { prefix, uri, parent: scope, size }
}

/** The namespace of a prefixed name; unbound prefixes make a document not well-formed. */
const namespaceOf = (scope: Scope | undefined, qname: string, pointer: string): string => {
  const colon = qname.indexOf(':')
  if (colon === 0 || colon === qname.length - 1 || qname.includes(':', colon + 1))
    throw new BodySyntaxError(`"${qname}" is not a valid qualified name`, pointer)
  const prefix = qname.slice(0, colon)
  if (prefix === 'xml') return XML_NS
  for (let s = scope; s; s = s.parent) if (s.prefix === prefix) return s.uri
  throw new BodySyntaxError(`the prefix of "${qname}" is not bound to a namespace`, pointer)
}

const xsiBoolean = (value: string, pointer: string): boolean => {
  const text = value.trim()
  if (text === 'true' || text === '1') return true
  if (text === 'false' || text === '0') return false
  throw new BodySyntaxError(`xsi:nil must be "true" or "false", not "${value}"`, pointer)
}

/**
 * Refuses a prefixed attribute that is one already seen under another prefix bound to the same
 * namespace: not well-formed (Namespaces in XML 1.0 §6.3), and one of the two would be lost.
 */
const once = (seen: Map<string, string>, name: string, uri: string, pointer: string): void => {
  const expanded = `${uri} ${localName(name)}` // no name holds a space
  const earlier = seen.get(expanded)
  if (earlier !== undefined)
    throw new BodySyntaxError(
      `attributes "${earlier}" and "${name}" are the same attribute (${localName(name)} in namespace "${uri}")`,
      pointer,
    )
  seen.set(expanded, name)
}

const NONE: readonly string[] = []

/**
 * Resolves an element's names against the namespace declarations in scope and its own, checks
 * every attribute value, and reads the attributes the mapping uses. Only the intended
 * attribute counts: `key` and `type` unprefixed, `nil` in the XML Schema instance namespace;
 * any other that may hold data is listed in `attributes`, for the reader to refuse.
 *
 * @example
 * openElement(node, undefined, '/note') // { name: 'note', nil: true, … } for
 * // <note xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>
 */
export const openElement = (
  node: XmlNode,
  parentScope: Scope | undefined,
  pointer: string,
): XmlElement => {
  const tag = nameOf(node)
  let scope = parentScope
  let key: string | undefined
  let type: string | undefined
  let nil = false
  let data: string[] | undefined
  const attributes = node[':@'] as Record<string, string> | undefined
  if (attributes !== undefined) {
    let prefixed: [string, string][] | undefined // resolved once every declaration is in scope
    for (const raw of Object.keys(attributes)) {
      const name = raw.slice(2) // fast-xml-parser's `@_`
      const value = attributeValue(attributes[raw]!, pointer)
      if (name.startsWith('xmlns:')) scope = bind(scope, name.slice(6), value, pointer)
      else if (name.includes(':')) (prefixed ??= []).push([name, value])
      else if (name !== 'xmlns') {
        ;(data ??= []).push(name)
        if (name === 'key') key = value
        else if (name === 'type') type = value
      }
    }
    const seen = (prefixed?.length ?? 0) > 1 ? new Map<string, string>() : undefined
    for (const [name, value] of prefixed ?? []) {
      const uri = namespaceOf(scope, name, pointer)
      if (seen) once(seen, name, uri, pointer)
      if (uri === XSI) {
        if (localName(name) === 'nil') nil = xsiBoolean(value, pointer)
      } else if (uri !== XML_NS) (data ??= []).push(name)
    }
  }
  if (tag.includes(':')) namespaceOf(scope, tag, pointer)
  return { node, tag, name: localName(tag), scope, key, type, nil, attributes: data ?? NONE }
}

/** What an element holds: its child elements, and its text and CDATA joined. */
export interface XmlContent {
  elements: XmlNode[]
  text: string
}

/**
 * The content of an element, its text decoded; child names that could reach an object's
 * prototype are refused.
 */
export const contentOf = (element: XmlElement, pointer: string): XmlContent => {
  const elements: XmlNode[] = []
  let text = ''
  for (const child of element.node[element.tag] as XmlNode[]) {
    if ('#text' in child) text += characterData(String(child['#text']), pointer)
    else if ('#cdata' in child) text += String((child['#cdata'] as XmlNode[])[0]?.['#text'] ?? '')
    else {
      const name = nameOf(child)
      if (name.startsWith(FORBIDDEN_MARK)) {
        const local = localName(name.slice(1))
        throw new BodySyntaxError(
          `element name "${local}" is not allowed`,
          `${pointer}/${pointerToken(local)}`,
        )
      }
      elements.push(child)
    }
  }
  return { elements, text }
}

/** Whether text is only XML white space (what indentation between elements leaves). */
export const isBlankText = (text: string): boolean => !/[^ \t\r\n]/.test(text)
