import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { resolve, shapeOf, type Shape } from '../model/shape.ts'
import { coerceScalar, isForbiddenKey, pointerToken } from './coerce.ts'
import { fieldNamed, namedTwice } from './field-names.ts'
import { BodySyntaxError, type BodyParser } from './types.ts'
import {
  contentOf,
  FORBIDDEN_MARK,
  isBlankText,
  localName,
  nameOf,
  openElement,
  type Scope,
  type XmlElement,
  type XmlNode,
} from './xml-element.ts'
import { scanXml } from './xml-scan.ts'

/**
 * Parses an XML request body into the raw value the schema expects — the inverse of the `xml`
 * format (see xml.ts for the mapping). Hostile input is refused before any tree is built:
 * DOCTYPE and other declarations (no entity can be defined, so nothing expands), characters
 * XML 1.0 forbids, and nesting deeper than `maxDepth` levels, found by one linear scan.
 * Elements count as JSON's brackets do: a scalar leaf is not a level, so the limit allows
 * `maxDepth + 1` nested elements.
 *
 * The root element's name is not checked; members match by local name (in any letter case
 * with `ignoreCase`; others ignored, but still checked to be well-formed), each at most once;
 * array items are all child elements whatever their names; records are `<entry key>`, each
 * key at most once; `xsi:nil="true"` is null; free-form data follows its `type` attribute;
 * scalars are coerced by the schema (`coerceScalar`) and validation judges the rest. Nothing
 * a body holds is dropped unread: text beside elements, elements inside a scalar, a `type`
 * its text does not fit, and attributes where nothing reads them are refused, naming the
 * member. Only namespace declarations and the `xml:` and `xsi:` attributes serializers add
 * (`xml:lang`, `xsi:type`, `xsi:schemaLocation`) are ignored.
 *
 * @example
 * parseXml('<X><n>1</n></X>', v.object({ n: v.number() }), { maxDepth: 32 }) // { n: 1 }
 */
export const parseXml: BodyParser = (text, schema, options) => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (!/\S/.test(body)) throw new BodySyntaxError('XML body is empty')
  scanXml(body, options.maxDepth, options.maxNodes)
  const illegal = SUSPECT.test(body) ? ILLEGAL.exec(body) : null
  if (illegal) {
    const code = illegal[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    throw new BodySyntaxError(
      `XML 1.0 does not allow the character U+${code} (offset ${illegal.index})`,
    )
  }
  const valid = XMLValidator.validate(body)
  if (valid !== true) {
    const { msg, line, col } = valid.err
    throw new BodySyntaxError(`Malformed XML: ${msg} (line ${line}${col ? `, column ${col}` : ''})`)
  }
  let nodes: XmlNode[]
  try {
    nodes = parser.parse(body) as XmlNode[]
  } catch (error) {
    throw new BodySyntaxError(`Malformed XML: ${(error as Error).message}`)
  }
  // The validator lets several roots through (`scan` already refused text outside them).
  const roots = nodes.filter((node) => !isText(nameOf(node)))
  if (roots.length !== 1) throw new BodySyntaxError('XML body must have exactly one root element')
  return read(
    shapeOf(schema),
    openElement(roots[0]!, undefined, ''),
    '',
    options.ignoreCase ?? false,
  )
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false, // prefixes are resolved against their declarations (xml-element.ts)
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false, // references are decoded strictly (xml-references.ts)
  htmlEntities: false,
  cdataPropName: '#cdata', // CDATA text is literal: it must not be entity-decoded
  ignoreDeclaration: true, // read by `scanXml`; its encoding by `readBody`, from the bytes
  ignorePiTags: true,
  maxNestedTags: Number.MAX_SAFE_INTEGER, // bounded by `scan` already
  transformTagName: (name) => (isForbiddenKey(localName(name)) ? FORBIDDEN_MARK + name : name),
  onDangerousProperty: (name) => name,
  jPath: false, // no callback reads paths; building them triples the parse time
})

// The cheap test runs first; only text with surrogates pays for the look-arounds.
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const isText = (name: string): boolean => name === '#text' || name === '#cdata'

const NUMBER: Shape = { kind: 'number', integer: false }
const BOOLEAN: Shape = { kind: 'boolean' }

/** Text for a message: quoted, and cut short. */
const quote = (text: string): string =>
  JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)

const mixed = (element: XmlElement, pointer: string) =>
  new BodySyntaxError(
    `<${element.name}> holds both text and elements; send one or the other`,
    pointer,
  )

/**
 * The child elements of a container (object, array, dictionary), or undefined when it holds
 * only text, which validation then reports against the schema as JSON's would be.
 */
const childrenOf = (element: XmlElement, pointer: string): XmlNode[] | undefined => {
  const { elements, text } = contentOf(element, pointer)
  if (isBlankText(text)) return elements
  if (elements.length > 0) throw mixed(element, pointer)
  return undefined
}

/** The text of a scalar, which must hold no elements. */
const textOf = (element: XmlElement, pointer: string, hint = ''): string => {
  const { elements, text } = contentOf(element, pointer)
  if (elements.length > 0)
    throw new BodySyntaxError(`<${element.name}> must hold text, not elements${hint}`, pointer)
  return text
}

/** `xsi:nil="true"` (XML Schema §2.6.2) or `type="null"`: null, and nothing inside. */
const nil = (element: XmlElement, pointer: string, what = 'xsi:nil="true"'): null => {
  const { elements, text } = contentOf(element, pointer)
  if (elements.length > 0 || !isBlankText(text))
    throw new BodySyntaxError(`<${element.name}> is ${what} but not empty`, pointer)
  return null
}

/**
 * Refuses an attribute nothing reads where the element is: the mapping carries data only in
 * elements and text, so its value would be dropped while the body is accepted. `key` is read
 * on dictionary entries, `type` on free-form values, nowhere else.
 */
const refuseUnread = (
  element: XmlElement,
  pointer: string,
  { keyed = false, typed = false, object = false } = {},
): void => {
  for (const name of element.attributes)
    if (!(keyed && name === 'key') && !(typed && name === 'type'))
      throw unreadAttribute(element, name, pointer, object)
}

/**
 * On an object an attribute stands where a member would, so it is named at that member's
 * pointer (elements match by local name, so `<name>` reaches the member `p:name` meant).
 */
const unreadAttribute = (
  element: XmlElement,
  name: string,
  pointer: string,
  object: boolean,
): BodySyntaxError => {
  const unread = `attribute "${name}" is not read`
  if (name === 'key')
    return new BodySyntaxError(`${unread} here: only dictionary entries have a key`, pointer)
  if (name === 'type')
    return new BodySyntaxError(`${unread} here: only free-form values have a type`, pointer)
  if (!object)
    return new BodySyntaxError(
      `${unread}: send the value of <${element.name}> as its content`,
      pointer,
    )
  const member = localName(name)
  return new BodySyntaxError(
    `${unread}: send ${member} as an element (<${member}>…</${member}>)`,
    `${pointer}/${pointerToken(member)}`,
  )
}

/** An element no member reads: nothing of it is kept, but it must still be well-formed. */
const skip = (node: XmlNode, scope: Scope | undefined, pointer: string): void => {
  const element = openElement(node, scope, pointer)
  for (const child of contentOf(element, pointer).elements)
    skip(child, element.scope, `${pointer}/${pointerToken(localName(nameOf(child)))}`)
}

/** The value of an element read as `shape`; `keyed` when it is a dictionary entry. */
const read = (
  shape: Shape,
  element: XmlElement,
  pointer: string,
  ignoreCase: boolean,
  keyed = false,
): unknown => {
  const s = resolve(shape)
  if (s.kind === 'unknown') return freeForm(element, pointer, keyed)
  refuseUnread(element, pointer, { keyed, object: s.kind === 'object' })
  if (element.nil) return nil(element, pointer)
  switch (s.kind) {
    case 'object': {
      const children = childrenOf(element, pointer)
      if (children === undefined) return contentOf(element, pointer).text // not an object
      const out: Record<string, unknown> = {}
      // The name that reached each member, so another spelling of it is refused.
      const sentAs = new Map<string, string>()
      for (const child of children) {
        const name = localName(nameOf(child))
        const field = fieldNamed(s, name, ignoreCase)
        const at = `${pointer}/${pointerToken(field?.key ?? name)}`
        if (!field) {
          skip(child, element.scope, at)
          continue
        }
        const earlier = sentAs.get(field.key)
        if (earlier === name) throw givenTwice(`<${field.key}>`, at)
        if (earlier !== undefined) throw namedTwice(`<${earlier}>`, `<${name}>`, at)
        sentAs.set(field.key, name)
        out[field.key] = read(field.shape, openElement(child, element.scope, at), at, ignoreCase)
      }
      return out
    }
    case 'array': {
      const children = childrenOf(element, pointer)
      if (children === undefined) return contentOf(element, pointer).text // not an array
      return children.map((child, i) => {
        const at = `${pointer}/${i}`
        return read(s.item, openElement(child, element.scope, at), at, ignoreCase)
      })
    }
    case 'record': {
      const children = childrenOf(element, pointer)
      if (children === undefined) return contentOf(element, pointer).text // not a dictionary
      return entries(children, element.scope, pointer, (child, at) =>
        read(s.value, child, at, ignoreCase, true),
      )
    }
    default:
      return coerceScalar(s, textOf(element, pointer))
  }
}

/**
 * A member or key given twice: refused, as in JSON, a form or a CSV header, rather than one
 * copy kept silently where another reader of the same body might keep the other.
 */
const givenTwice = (what: string, pointer: string) =>
  new BodySyntaxError(`${what} is given twice; send each once`, pointer)

/** `<entry key="…">` elements as an object; a key must not reach a prototype. */
const entries = (
  children: readonly XmlNode[],
  scope: Scope | undefined,
  pointer: string,
  value: (child: XmlElement, pointer: string) => unknown,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const node of children) {
    const child = openElement(node, scope, pointer)
    if (child.key === undefined)
      throw new BodySyntaxError(`<${child.name}> needs a key attribute`, pointer)
    const at = `${pointer}/${pointerToken(child.key)}`
    if (isForbiddenKey(child.key))
      throw new BodySyntaxError(`key "${child.key}" is not allowed`, at)
    if (Object.hasOwn(out, child.key)) throw givenTwice(`key "${child.key}"`, at)
    out[child.key] = value(child, at)
  }
  return out
}

/** Free-form data: the `type` attribute names the JSON type, and the content fits it. */
const freeForm = (element: XmlElement, pointer: string, keyed = false): unknown => {
  refuseUnread(element, pointer, { keyed, typed: true })
  if (element.nil) return nil(element, pointer)
  const { type } = element
  switch (type) {
    case undefined:
    case 'string':
      return textOf(element, pointer, '; give it type="object" or type="array"')
    case 'null':
      return nil(element, pointer, 'type="null"')
    case 'number':
    case 'boolean': {
      const text = textOf(element, pointer)
      const value = coerceScalar(type === 'number' ? NUMBER : BOOLEAN, text)
      if (typeof value !== type)
        throw new BodySyntaxError(`type="${type}" does not fit ${quote(text)}`, pointer)
      return value
    }
    case 'array':
    case 'object': {
      const { elements, text } = contentOf(element, pointer)
      if (!isBlankText(text))
        throw new BodySyntaxError(`type="${type}" holds text; send its items as elements`, pointer)
      return type === 'object'
        ? entries(elements, element.scope, pointer, (child, at) => freeForm(child, at, true))
        : elements.map((node, i) => {
            const at = `${pointer}/${i}`
            return freeForm(openElement(node, element.scope, at), at)
          })
    }
    default:
      throw new BodySyntaxError(`unknown type=${quote(type)}`, pointer)
  }
}
