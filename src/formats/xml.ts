import { resolve, shapeOf, typeName, type Shape } from '../model/shape.ts'
import { SerializationError, type Format } from './types.ts'

/**
 * `application/xml` and `text/xml`, written straight from the schema in one pass:
 *
 * - `<?xml version="1.0" encoding="UTF-8"?>`, then one root element, no whitespace between
 *   elements. The root is the schema's type name (`<AmazonUser>`), `resource` when it has none;
 *   a problem is `<problem xmlns="urn:ietf:rfc:7807">`.
 * - Objects: one child element per present member, in schema order. Write-only members never
 *   appear, `undefined` is left out, `null` is `<name xsi:nil="true"/>` (with its namespace).
 * - Arrays: a wrapper element named for the member, holding one element per item (also for 0
 *   or 1 items), named for the item's type (`<AmazonUser>`), else `item`; `i` in a problem.
 * - Records: `<entry key="…">value</entry>` per entry, so keys need not be XML names.
 * - Free-form (`unknown`) data: a string is plain text; anything else carries `type="number"`,
 *   `"boolean"`, `"null"`, `"object"` (children `<entry key>`) or `"array"` (children
 *   `<item>`), so a parser gets the JSON value back.
 * - Text: `& < >` always escaped (`]]>` never appears raw), CR as `&#13;` so it survives
 *   line-end normalisation, and in attributes also `"` TAB LF CR. XML 1.0 cannot carry C0
 *   controls other than TAB/LF/CR, U+FFFE, U+FFFF or lone surrogates, not even as character
 *   references: each one is written as U+FFFD, the only lossy step.
 * - Numbers as `String(n)` (non-finite ones as nil, as JSON writes `null`), booleans
 *   `true`/`false`, dates ISO 8601. Links travel in the HTTP Link header, not in the body.
 * - The walk follows the data, so recursive schemas stop where the data stops; nesting beyond
 *   `context.maxDepth` (counted as `project` counts it) is a `SerializationError`.
 */
export const xml: Format = {
  key: 'xml',
  mediaTypes: ['application/xml', 'text/xml'],
  contentType: (mediaType) => `${mediaType}; charset=utf-8`,
  problemContentType: 'application/problem+xml; charset=utf-8',
  serialize: (schema, value, context) => {
    const writer: Writer = { maxDepth: context.maxDepth, itemName: context.problem ? 'i' : '' }
    const root = context.problem ? 'problem' : xmlName(typeName(schema) ?? 'resource')
    const attrs = context.problem ? ' xmlns="urn:ietf:rfc:7807"' : ''
    return DECLARATION + element(writer, root, attrs, shapeOf(schema), value, 0)
  },
}

/**
 * The writer of one collection item, as a page writes it inside its items wrapper (at depth 2,
 * named for the item's type): a streamed export emits these between its own root tags.
 *
 * @example
 * const write = xmlItemWriter(Contact, 32)
 * write({ id: 'c1', createdAt, updatedAt }) // '<Contact><id>c1</id>…</Contact>'
 */
export const xmlItemWriter = (
  itemSchema: Parameters<typeof shapeOf>[0],
  maxDepth: number,
): ((value: unknown) => string) => {
  const writer: Writer = { maxDepth, itemName: '' }
  const shape = shapeOf(itemSchema)
  const name = itemNameOf({ kind: 'array', item: shape })
  return (value) => element(writer, name, '', shape, value, 2)
}

interface Writer {
  maxDepth: number
  /** Forced name of array items (`i` in problems), or '' to use the item's type name. */
  itemName: string
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
const NIL = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'

// One test decides the fast path; surrogates send pairs down the slow path too, where the
// look-arounds tell a valid pair from a lone half.
const TEXT_TEST = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/
const ATTR_TEST = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/
const ILLEGAL =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]'
const TEXT_ALL = new RegExp(`[&<>\\r]|${ILLEGAL}`, 'g')
const ATTR_ALL = new RegExp(`[&<>"\\t\\n\\r]|${ILLEGAL}`, 'g')
const ESCAPES = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ['\t', '&#9;'],
  ['\n', '&#10;'],
  ['\r', '&#13;'],
])
const escapeChar = (c: string): string => ESCAPES.get(c) ?? '\uFFFD'

const escapeText = (s: string): string => (TEXT_TEST.test(s) ? s.replace(TEXT_ALL, escapeChar) : s)
const escapeAttr = (s: string): string => (ATTR_TEST.test(s) ? s.replace(ATTR_ALL, escapeChar) : s)

// XML 1.0 Name without ':' (a colon would make namespace-aware parsers read a prefix).
const NAME =
  /^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][\w.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*$/

/** Model names become element names; a name XML cannot carry is a model bug, caught once. */
const xmlName = (name: string): string => {
  if (!NAME.test(name)) throw new SerializationError(`"${name}" is not a valid XML element name`)
  return name
}

type ObjectShape = Extract<Shape, { kind: 'object' }>
type ArrayShape = Extract<Shape, { kind: 'array' }>

const plans = new WeakMap<ObjectShape, readonly Member[]>()
const itemNames = new WeakMap<ArrayShape, string>()

/** A member of an object shape with its tags written once: the per-schema writer plan. */
interface Member {
  key: string
  shape: Shape
  open: string
  close: string
  nil: string
  /** Scalars are written by their JavaScript type, free-form ones with a `type` attribute. */
  free: boolean
}

const planOf = (shape: ObjectShape): readonly Member[] => {
  let plan = plans.get(shape)
  if (!plan) {
    plan = shape.fields
      .filter((f) => !f.writeOnly)
      .map((f) => ({
        key: xmlName(f.key),
        shape: f.shape,
        open: `<${f.key}>`,
        close: `</${f.key}>`,
        nil: `<${f.key}${NIL}`,
        free: f.shape.kind !== 'ref' && f.shape.kind === 'unknown',
      }))
    plans.set(shape, plan)
  }
  return plan
}

const itemNameOf = (shape: ArrayShape): string => {
  let name = itemNames.get(shape)
  if (name === undefined) {
    const item = resolve(shape.item)
    name = xmlName((item.kind === 'object' && item.name) || 'item')
    itemNames.set(shape, name)
  }
  return name
}

const tooDeep = (maxDepth: number) =>
  new SerializationError(`data nested deeper than ${maxDepth} levels`)

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

/** One element `<name attrs>…</name>` for a value of the given shape. */
const element = (
  w: Writer,
  name: string,
  attrs: string,
  shape: Shape,
  value: unknown,
  depth: number,
): string => {
  if (value === null || value === undefined) return `<${name}${attrs}${NIL}`
  if (depth > w.maxDepth) throw tooDeep(w.maxDepth)
  const s = resolve(shape)
  if (s.kind === 'unknown') return freeForm(w, name, attrs, value, depth)
  if (s.kind === 'object' && isPlainObject(value)) {
    let out = `<${name}${attrs}>`
    const deeper = depth + 1
    for (const m of planOf(s)) {
      const member = value[m.key]
      if (member === undefined) continue
      // Most members are text or numbers: written from the plan, without the generic dispatch.
      if (member === null) out += m.nil
      else if (deeper > w.maxDepth) throw tooDeep(w.maxDepth)
      else if (typeof member === 'string') out += m.open + escapeText(member) + m.close
      else if (typeof member === 'number' && !m.free)
        out += Number.isFinite(member) ? m.open + member + m.close : m.nil
      else out += element(w, m.key, '', m.shape, member, deeper)
    }
    return `${out}</${name}>`
  }
  if (s.kind === 'array' && Array.isArray(value)) {
    const item = w.itemName || itemNameOf(s)
    let out = `<${name}${attrs}>`
    for (const member of value) out += element(w, item, '', s.item, member, depth + 1)
    return `${out}</${name}>`
  }
  if (s.kind === 'record' && isPlainObject(value)) {
    let out = `<${name}${attrs}>`
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member === undefined) continue
      out += element(w, 'entry', ` key="${escapeAttr(key)}"`, s.value, member, depth + 1)
    }
    return `${out}</${name}>`
  }
  // A scalar, or data that does not fit its schema: written as it is, like JSON would.
  switch (typeof value) {
    case 'string':
      return `<${name}${attrs}>${escapeText(value)}</${name}>`
    case 'number':
      return Number.isFinite(value)
        ? `<${name}${attrs}>${value}</${name}>`
        : `<${name}${attrs}${NIL}`
    case 'boolean':
      return `<${name}${attrs}>${value}</${name}>`
    case 'object':
      return value instanceof Date
        ? `<${name}${attrs}>${value.toISOString()}</${name}>`
        : freeForm(w, name, attrs, value, depth)
    default:
      return `<${name}${attrs}>${escapeText(String(value))}</${name}>`
  }
}

/** Free-form JSON data, typed by attribute so it parses back to the same JSON value. */
const freeForm = (
  w: Writer,
  name: string,
  attrs: string,
  value: unknown,
  depth: number,
): string => {
  if (depth > w.maxDepth) throw tooDeep(w.maxDepth)
  if (typeof value === 'string') return `<${name}${attrs}>${escapeText(value)}</${name}>`
  if (typeof value === 'boolean') return `<${name}${attrs} type="boolean">${value}</${name}>`
  if (typeof value === 'number' && Number.isFinite(value))
    return `<${name}${attrs} type="number">${value}</${name}>`
  if (value instanceof Date) return `<${name}${attrs}>${value.toISOString()}</${name}>`
  if (Array.isArray(value)) {
    let out = `<${name}${attrs} type="array">`
    for (const item of value) out += freeForm(w, 'item', '', item, depth + 1)
    return `${out}</${name}>`
  }
  if (isPlainObject(value)) {
    let out = `<${name}${attrs} type="object">`
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member !== undefined)
        out += freeForm(w, 'entry', ` key="${escapeAttr(key)}"`, member, depth + 1)
    }
    return `${out}</${name}>`
  }
  // null, undefined in arrays and non-finite numbers: what JSON.stringify writes as null.
  return `<${name}${attrs} type="null"/>`
}
