import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { resolve, shapeOf, type Shape } from '../model/shape.ts'
import { coerceScalar, isForbiddenKey, pointerToken } from './coerce.ts'
import { fieldNamed, namedTwice } from './field-names.ts'
import { BodySyntaxError, type BodyParser } from './types.ts'

/**
 * Parses an XML request body into the raw value the schema expects — the inverse of the `xml`
 * format (see xml.ts for the mapping). Hostile input is refused before any tree is built:
 * DOCTYPE and other declarations (no entity can be defined, so nothing expands), characters
 * XML 1.0 forbids, and nesting deeper than `maxDepth` levels, found by one linear scan.
 * Elements count as JSON's brackets do: a scalar leaf is not a level, so the limit allows
 * `maxDepth + 1` nested elements.
 *
 * The root element's name is not checked; members match by element name (in any letter case
 * with `ignoreCase`; others ignored),
 * each at most once; array items are all child elements whatever their names; records are
 * `<entry key>`, each key at most once; `xsi:nil="true"` is null; free-form data follows its
 * `type` attribute; scalars are coerced by the schema (`coerceScalar`) and validation judges
 * the rest.
 *
 * @example
 * parseXml('<X><n>1</n></X>', v.object({ n: v.number() }), { maxDepth: 32 }) // { n: 1 }
 */
export const parseXml: BodyParser = (text, schema, options) => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (!/\S/.test(body)) throw new BodySyntaxError('XML body is empty')
  scan(body, options.maxDepth)
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
  return read(shapeOf(schema), roots[0]!, '', options.ignoreCase ?? false)
}

/** A node of fast-xml-parser's `preserveOrder` output: `{ [name]: children, ':@': attrs }`. */
type XmlNode = Record<string, unknown>

// Names JavaScript treats specially get a prefix no XML name can have, so they never reach a
// property lookup (fast-xml-parser would throw a plain Error or rename them `__toString`).
const FORBIDDEN_MARK = '\u0000'
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false, // references are decoded below, strictly
  htmlEntities: false,
  cdataPropName: '#cdata', // CDATA text is literal: it must not be entity-decoded
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: Number.MAX_SAFE_INTEGER, // bounded by `scan` already
  transformTagName: (name) => (isForbiddenKey(name) ? FORBIDDEN_MARK + name : name),
  onDangerousProperty: (name) => name,
  jPath: false, // no callback reads paths; building them triples the parse time
})

// The cheap test runs first; only text with surrogates pays for the look-arounds.
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const DECLARATIONS = 'XML bodies must not contain a DOCTYPE or entity declarations'
const OUTSIDE = 'XML body has text outside the root element'

/**
 * Refuses declarations and text outside the root, and counts element depth, without building
 * anything. Malformed markup it cannot follow is left for the validator to report.
 */
const scan = (text: string, maxDepth: number): void => {
  let depth = 0
  let outside = 0 // start of the text since the last markup, checked while outside the root
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    if (depth <= 0 && !isBlank(text, outside, i)) throw new BodySyntaxError(OUTSIDE)
    const next = text.charCodeAt(i + 1)
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) i = skipPast(text, '-->', i + 4)
      else if (depth > 0 && text.startsWith('<![CDATA[', i)) i = skipPast(text, ']]>', i + 9)
      else if (text.startsWith('<![CDATA[', i)) throw new BodySyntaxError(OUTSIDE)
      else throw new BodySyntaxError(DECLARATIONS) // DOCTYPE, ENTITY, ELEMENT, ATTLIST …
    } else if (next === 0x3f /* ? */) i = skipPast(text, '?>', i + 2)
    else if (next === 0x2f /* / */) {
      depth--
      i = text.indexOf('>', i)
      if (i === -1) return
    } else {
      const end = tagEnd(text, i + 1)
      if (end === -1) return // truncated: the validator says where
      if (text.charCodeAt(end - 1) !== 0x2f && ++depth > maxDepth + 1)
        throw new BodySyntaxError(`XML nested deeper than ${maxDepth} levels`)
      i = end
    }
    outside = i + 1
  }
  if (depth <= 0 && !isBlank(text, outside, text.length)) throw new BodySyntaxError(OUTSIDE)
}

const isBlank = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false
  }
  return true
}

const skipPast = (text: string, terminator: string, from: number): number => {
  const at = text.indexOf(terminator, from)
  return at === -1 ? text.length : at + terminator.length - 1
}

/** The `>` closing a start tag, skipping quoted attribute values (they may hold `/>`). */
const tagEnd = (text: string, from: number): number => {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 0x3e) return j
    if (c === 0x22 || c === 0x27) {
      j = text.indexOf(c === 0x22 ? '"' : "'", j + 1)
      if (j === -1) return -1
    }
  }
  return -1
}

const isText = (name: string): boolean => name === '#text' || name === '#cdata'

const nameOf = (node: XmlNode): string => {
  for (const key of Object.keys(node)) if (key !== ':@') return key
  return ''
}

/** Child elements, refusing names that could reach an object's prototype. */
const elements = (node: XmlNode, pointer: string): XmlNode[] => {
  const out: XmlNode[] = []
  for (const child of node[nameOf(node)] as XmlNode[]) {
    const name = nameOf(child)
    if (name.startsWith(FORBIDDEN_MARK)) {
      const raw = name.slice(1)
      throw new BodySyntaxError(
        `element name "${raw}" is not allowed`,
        `${pointer}/${pointerToken(raw)}`,
      )
    }
    if (!isText(name)) out.push(child)
  }
  return out
}

const PREDEFINED = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
])
const REFERENCE = /&(?:#x([0-9A-Fa-f]+);|#([0-9]+);|([A-Za-z_][\w.-]*);)?/g

const isXmlChar = (cp: number): boolean =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff)

/** Expands the five predefined entities and character references; nothing else exists. */
const decode = (raw: string, pointer: string): string => {
  if (!raw.includes('&')) return raw
  return raw.replace(REFERENCE, (match, hex?: string, dec?: string, named?: string) => {
    if (named !== undefined) {
      const char = PREDEFINED.get(named)
      if (char === undefined) throw new BodySyntaxError(`unknown entity ${match}`, pointer)
      return char
    }
    const digits = hex ?? dec
    if (digits === undefined) throw new BodySyntaxError("'&' must start a reference", pointer)
    const cp = digits.length > 8 ? -1 : Number.parseInt(digits, hex === undefined ? 10 : 16)
    if (!isXmlChar(cp)) throw new BodySyntaxError(`${match} is not a character XML allows`, pointer)
    return String.fromCodePoint(cp)
  })
}

const attribute = (node: XmlNode, name: string, pointer: string): string | undefined => {
  const raw = (node[':@'] as Record<string, string> | undefined)?.[`@_${name}`]
  if (raw === undefined) return undefined
  if (raw.includes('<'))
    throw new BodySyntaxError("'<' is not allowed in attribute values", pointer)
  // Attribute-value normalisation (XML 1.0 §3.3.3): literal whitespace becomes a space.
  return decode(raw.replace(/[\t\n\r]/g, ' '), pointer)
}

/** Concatenated text and CDATA of an element; child elements are ignored. */
const textOf = (node: XmlNode, pointer: string): string => {
  let text = ''
  for (const child of node[nameOf(node)] as XmlNode[]) {
    if ('#text' in child) text += decode(String(child['#text']), pointer)
    else if ('#cdata' in child) text += String((child['#cdata'] as XmlNode[])[0]?.['#text'] ?? '')
  }
  return text
}

const isNil = (node: XmlNode, pointer: string): boolean => {
  const nil = attribute(node, 'nil', pointer)
  return nil === 'true' || nil === '1'
}

const NUMBER: Shape = { kind: 'number', integer: false }
const BOOLEAN: Shape = { kind: 'boolean' }

const read = (shape: Shape, node: XmlNode, pointer: string, ignoreCase: boolean): unknown => {
  if (isNil(node, pointer)) return null
  const s = resolve(shape)
  switch (s.kind) {
    case 'object': {
      const children = elements(node, pointer)
      const text = children.length === 0 ? textOf(node, pointer) : ''
      if (/\S/.test(text)) return text // not an object: validation reports it
      const out: Record<string, unknown> = {}
      const sentAs = new Map<string, string>()
      for (const child of children) {
        const name = nameOf(child)
        const field = fieldNamed(s, name, ignoreCase)
        if (!field) continue
        const at = `${pointer}/${pointerToken(field.key)}`
        const earlier = sentAs.get(field.key)
        if (earlier === name) throw givenTwice(`<${field.key}>`, at)
        if (earlier !== undefined) throw namedTwice(`<${earlier}>`, `<${name}>`, at)
        sentAs.set(field.key, name)
        out[field.key] = read(field.shape, child, at, ignoreCase)
      }
      return out
    }
    case 'array':
      return elements(node, pointer).map((child, i) =>
        read(s.item, child, `${pointer}/${i}`, ignoreCase),
      )
    case 'record':
      return entries(node, pointer, (child, at) => read(s.value, child, at, ignoreCase))
    case 'unknown':
      return freeForm(node, pointer)
    default:
      return coerceScalar(s, textOf(node, pointer))
  }
}

/**
 * A member or key given twice: refused, as in JSON, a form or a CSV header, rather than one
 * copy kept silently where another reader of the same body might keep the other.
 */
const givenTwice = (what: string, pointer: string) =>
  new BodySyntaxError(`${what} is given twice; send each once`, pointer)

/** `<entry key="…">` children as an object; a key must not reach a prototype. */
const entries = (
  node: XmlNode,
  pointer: string,
  value: (child: XmlNode, pointer: string) => unknown,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const child of elements(node, pointer)) {
    const key = attribute(child, 'key', pointer)
    if (key === undefined)
      throw new BodySyntaxError(`<${nameOf(child)}> needs a key attribute`, pointer)
    const at = `${pointer}/${pointerToken(key)}`
    if (isForbiddenKey(key)) throw new BodySyntaxError(`key "${key}" is not allowed`, at)
    if (Object.hasOwn(out, key)) throw givenTwice(`key "${key}"`, at)
    out[key] = value(child, at)
  }
  return out
}

const freeForm = (node: XmlNode, pointer: string): unknown => {
  if (isNil(node, pointer)) return null
  const type = attribute(node, 'type', pointer)
  switch (type) {
    case undefined:
    case 'string':
      return textOf(node, pointer)
    case 'null':
      return null
    case 'number':
      return coerceScalar(NUMBER, textOf(node, pointer))
    case 'boolean':
      return coerceScalar(BOOLEAN, textOf(node, pointer))
    case 'array':
      return elements(node, pointer).map((child, i) => freeForm(child, `${pointer}/${i}`))
    case 'object':
      return entries(node, pointer, freeForm)
    default:
      throw new BodySyntaxError(`unknown type="${type}"`, pointer)
  }
}
