import { resolve, shapeOf, typeName, type Shape } from '../model/shape.ts'
import {
  asText,
  type DocumentWriter,
  flushIfLong,
  NO_BYTES,
  serializersOf,
  type TextChunks,
  written,
} from './chunked-text.ts'
import { project } from './project.ts'
import { dateText, isPlain, rootDepth, SerializationError, type Format } from './types.ts'

/**
 * The CSP of XML a browser navigates to (a page's "XML" link): its built-in viewer styles the
 * tree with inline styles and `data:` SVG arrows, which `default-src 'none'` refuses with
 * console errors. That is all it adds: nothing can be fetched, run or framed.
 */
export const XML_VIEW_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"

/** A whole document: its text, or what `finish` makes of its bytes once it passed `CHUNK`. */
const xmlDocument: DocumentWriter = (schema, value, context, finish) => {
  const mode = context.problem ? PROBLEM : RESOURCE
  const root = context.problem
    ? tagOf('problem', ' xmlns="urn:ietf:rfc:7807"')
    : tagOf(xmlName(typeName(schema) ?? 'resource'), '')
  const write = writerOf(mode, shapeOf(schema))
  const depth = rootDepth(context)
  return xmlWritten(context.maxDepth, DECLARATION, (out) => write(out, root, value, depth), finish)
}

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
 *   `context.maxDepth` (counted as `project` counts it, from the resource: see `rootDepth`) is a
 *   `SerializationError`.
 */
export const xml: Format = {
  key: 'xml',
  extension: 'xml',
  mediaTypes: ['application/xml', 'text/xml'],
  contentType: (mediaType) => `${mediaType}; charset=utf-8`,
  problemContentType: 'application/problem+xml; charset=utf-8',
  // Only navigations (`Sec-Fetch-Dest: document`, which only a browser sends and only when it
  // will display the document) get the viewer's policy; API clients keep the strict one.
  documentPolicy: (request) =>
    request.header('Sec-Fetch-Dest') === 'document'
      ? { policy: XML_VIEW_POLICY, vary: 'Sec-Fetch-Dest' }
      : undefined,
  ...serializersOf(xmlDocument),
}

/**
 * The writer of one collection item, as a page writes it inside its items wrapper (named for
 * the item's type, its depth counted from itself): a streamed export emits these between its
 * own root tags.
 *
 * @example
 * const write = xmlItemWriter(Contact, 32)
 * write({ id: 'c1', createdAt, updatedAt }) // '<Contact><id>c1</id>…</Contact>'
 */
export const xmlItemWriter = (
  itemSchema: Parameters<typeof shapeOf>[0],
  maxDepth: number,
): ((value: unknown) => string) => {
  const shape = shapeOf(itemSchema)
  const tag = tagOf(itemNameOf({ kind: 'array', item: shape }), '')
  const write = writerOf(RESOURCE, shape)
  return (value) => xmlWritten(maxDepth, '', (out) => write(out, tag, value, 0), asText)
}

/** The document being written (`TextChunks`), and how deep it may nest. */
interface Out extends TextChunks {
  maxDepth: number
}

/** The tags of one element, made once per member, item type or dictionary key. */
interface Tag {
  /** `<name attrs`, for free-form data to add its `type` attribute. */
  head: string
  open: string
  close: string
  nil: string
  /** The openings of free-form numbers and booleans, the most common typed values. */
  number: string
  boolean: string
}

/**
 * Writes a value of one (resolved) shape as the element `tag`, at nesting `depth`. Compiled
 * once per shape, the way fast-json-stringify compiles: a page's items all reuse their type's
 * writer, and an object's members are a plan with their tags and writers ready.
 */
type Write = (out: Out, tag: Tag, value: unknown, depth: number) => void

/** Writers are compiled per mode: a problem names every array item `i`. */
interface Mode {
  /** Forced name of array items (`i` in problems), or '' to use the item's type name. */
  itemName: string
  writers: WeakMap<Shape, Write>
}

const RESOURCE: Mode = { itemName: '', writers: new WeakMap() }
const PROBLEM: Mode = { itemName: 'i', writers: new WeakMap() }

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
const NIL = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'

/**
 * Runs `write` on a new document that starts with `text`, and returns the document: its text
 * while it stayed under `CHUNK`, else what `finish` makes of its UTF-8 bytes.
 */
const xmlWritten = <T>(
  maxDepth: number,
  text: string,
  write: (out: Out) => void,
  finish: (chunks: Uint8Array<ArrayBuffer>[]) => T,
): string | T => written({ text, bytes: NO_BYTES, length: 0, full: [], maxDepth }, write, finish)

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

const tagOf = (name: string, attrs: string): Tag => {
  const head = `<${name}${attrs}`
  const number = `${head} type="number">`
  const boolean = `${head} type="boolean">`
  return { head, open: `${head}>`, close: `</${name}>`, nil: head + NIL, number, boolean }
}

/** `<item>` of a free-form array. */
const ITEM = tagOf('item', '')

// Dictionary and free-form keys repeat from item to item (`customData.plan`): the escaped
// `<entry key="…">` tags of the short ones are kept, at most ENTRY_TAGS of them at a time.
const ENTRY_TAGS = 1000
const ENTRY_KEY_LENGTH = 64
const entryTags = new Map<string, Tag>()

const entryTag = (key: string): Tag => {
  let tag = entryTags.get(key)
  if (tag === undefined) {
    tag = tagOf('entry', ` key="${escapeAttr(key)}"`)
    if (key.length <= ENTRY_KEY_LENGTH) {
      if (entryTags.size >= ENTRY_TAGS) entryTags.clear()
      entryTags.set(key, tag)
    }
  }
  return tag
}

type ObjectShape = Extract<Shape, { kind: 'object' }>
type ArrayShape = Extract<Shape, { kind: 'array' }>
type RecordShape = Extract<Shape, { kind: 'record' }>
type RefShape = Extract<Shape, { kind: 'ref' }>

const itemNames = new WeakMap<ArrayShape, string>()

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

/** The compiled writer of a shape, made on first use. */
const writerOf = (mode: Mode, shape: Shape): Write => {
  let write = mode.writers.get(shape)
  if (!write) {
    write = compile(mode, shape)
    mode.writers.set(shape, write)
  }
  return write
}

const compile = (mode: Mode, shape: Shape): Write => {
  switch (shape.kind) {
    case 'ref':
      return refWriter(mode, shape)
    case 'unknown':
      return freeFormWriter
    case 'object':
      return objectWriter(mode, shape)
    case 'array':
      return arrayWriter(mode, shape)
    case 'record':
      return recordWriter(mode, shape)
    default:
      return scalarWriter
  }
}

/**
 * A recursive (`v.lazy`) member: resolved on every visit, as the data reaches it, so the walk
 * follows the data and a schema is never unrolled further than its data goes.
 */
const refWriter =
  (mode: Mode, shape: RefShape): Write =>
  (out, tag, value, depth) => {
    if (value === null || value === undefined) out.text += tag.nil
    else if (depth > out.maxDepth) throw tooDeep(out.maxDepth)
    else writerOf(mode, resolve(shape))(out, tag, value, depth)
  }

/** A member of an object shape with its tags written once: the per-schema writer plan. */
interface Member {
  key: string
  tag: Tag
  open: string
  close: string
  nil: string
  /**
   * Scalars are written by their JavaScript type, free-form ones with a `type` attribute. A
   * recursive member that resolves to free-form data is not `free`: its number is plain text.
   */
  free: boolean
  write: Write
}

/**
 * A value that is not the plain object an object or a dictionary shape expects (an array, a
 * date, text, stored by hand): written as the data it is, as JSON writes it, an array's items
 * projected first so that a write-only member stays out.
 */
const mismatched = (out: Out, tag: Tag, shape: Shape, value: unknown, depth: number): void =>
  scalarWriter(
    out,
    tag,
    Array.isArray(value) ? project(shape, value, out.maxDepth, depth) : value,
    depth,
  )

/**
 * Its plan is made when the first object of this shape is written, not when the schema is
 * compiled: a member name XML cannot carry is an error only once data reaches it.
 */
const objectWriter = (mode: Mode, shape: ObjectShape): Write => {
  let plan: readonly Member[] | undefined
  const planOf = (): readonly Member[] =>
    shape.fields
      .filter((f) => !f.writeOnly)
      .map((f) => {
        const tag = tagOf(xmlName(f.key), '')
        const { open, close, nil } = tag
        const write = writerOf(mode, f.shape)
        return { key: f.key, tag, open, close, nil, free: f.shape.kind === 'unknown', write }
      })
  return (out, tag, value, depth) => {
    if (value === null || value === undefined) return void (out.text += tag.nil)
    const maxDepth = out.maxDepth
    if (depth > maxDepth) throw tooDeep(maxDepth)
    if (!isPlain(value)) return mismatched(out, tag, shape, value, depth)
    plan ??= planOf()
    out.text += tag.open
    const deeper = depth + 1
    for (let i = 0; i < plan.length; i++) {
      const m = plan[i]!
      const member = value[m.key]
      if (member === undefined) continue
      // Most members are text or numbers: written from the plan, without the generic dispatch.
      if (member === null) out.text += m.nil
      else if (deeper > maxDepth) throw tooDeep(maxDepth)
      else if (typeof member === 'string') out.text += m.open + escapeText(member) + m.close
      else if (typeof member === 'number' && !m.free)
        out.text += Number.isFinite(member) ? m.open + member + m.close : m.nil
      else m.write(out, m.tag, member, deeper)
    }
    out.text += tag.close
  }
}

/** Its items' element name is checked when the first array of this shape is written. */
const arrayWriter = (mode: Mode, shape: ArrayShape): Write => {
  let item: Tag | undefined
  const write = writerOf(mode, shape.item)
  return (out, tag, value, depth) => {
    if (value === null || value === undefined) return void (out.text += tag.nil)
    if (depth > out.maxDepth) throw tooDeep(out.maxDepth)
    if (!Array.isArray(value)) return scalarWriter(out, tag, value, depth)
    item ??= tagOf(mode.itemName || itemNameOf(shape), '')
    out.text += tag.open
    for (const member of value) {
      write(out, item, member, depth + 1)
      flushIfLong(out)
    }
    out.text += tag.close
  }
}

/** Dictionaries with up to this many keys are remembered by `recordWriter`. */
const KEPT_KEYS = 64

/**
 * The dictionaries of a page mostly share their keys (`customData` of every contact): the tags
 * of the last (small) set of keys are kept, so the next dictionary with the same keys, in the
 * same order, looks none of them up.
 */
const recordWriter = (mode: Mode, shape: RecordShape): Write => {
  const write = writerOf(mode, shape.value)
  let lastKeys: readonly string[] = []
  let lastTags: readonly Tag[] = []
  return (out, tag, value, depth) => {
    if (value === null || value === undefined) return void (out.text += tag.nil)
    if (depth > out.maxDepth) throw tooDeep(out.maxDepth)
    if (!isPlain(value)) return mismatched(out, tag, shape, value, depth)
    const keys = Object.keys(value)
    let tags = lastTags
    if (!sameKeys(keys, lastKeys)) {
      tags = keys.map(entryTag)
      if (keys.length <= KEPT_KEYS) {
        lastKeys = keys
        lastTags = tags
      }
    }
    out.text += tag.open
    for (let i = 0; i < keys.length; i++) {
      const member = value[keys[i]!]
      if (member === undefined) continue
      write(out, tags[i]!, member, depth + 1)
      flushIfLong(out)
    }
    out.text += tag.close
  }
}

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A scalar, or data that does not fit its schema: written as it is, like JSON would. */
const scalarWriter: Write = (out, tag, value, depth) => {
  if (value === null || value === undefined) return void (out.text += tag.nil)
  if (depth > out.maxDepth) throw tooDeep(out.maxDepth)
  switch (typeof value) {
    case 'string':
      out.text += tag.open + escapeText(value) + tag.close
      return
    case 'number':
      out.text += Number.isFinite(value) ? tag.open + value + tag.close : tag.nil
      return
    case 'boolean':
      out.text += tag.open + value + tag.close
      return
    case 'object':
      if (value instanceof Date) {
        const text = dateText(value)
        out.text += text === null ? tag.nil : tag.open + text + tag.close
      } else freeForm(out, tag, value, depth)
      return
    default:
      out.text += tag.open + escapeText(String(value)) + tag.close
  }
}

/** A free-form member: `null` is `xsi:nil` there, as for any member; inside, `type="null"`. */
const freeFormWriter: Write = (out, tag, value, depth) => {
  if (value instanceof Date) value = dateText(value)
  if (value === null || value === undefined) out.text += tag.nil
  else freeForm(out, tag, value, depth)
}

/** Free-form JSON data, typed by attribute so it parses back to the same JSON value. */
const freeForm = (out: Out, tag: Tag, value: unknown, depth: number): void => {
  if (depth > out.maxDepth) throw tooDeep(out.maxDepth)
  if (value instanceof Date) value = dateText(value)
  if (typeof value === 'string') out.text += tag.open + escapeText(value) + tag.close
  else if (typeof value === 'boolean') out.text += tag.boolean + value + tag.close
  else if (typeof value === 'number' && Number.isFinite(value))
    out.text += tag.number + value + tag.close
  else if (Array.isArray(value)) {
    out.text += `${tag.head} type="array">`
    for (const item of value) {
      freeForm(out, ITEM, item, depth + 1)
      flushIfLong(out)
    }
    out.text += tag.close
  } else if (isPlain(value)) {
    out.text += `${tag.head} type="object">`
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member === undefined) continue
      freeForm(out, entryTag(key), member, depth + 1)
      flushIfLong(out)
    }
    out.text += tag.close
  }
  // null, undefined in arrays and non-finite numbers: what JSON.stringify writes as null.
  else out.text += `${tag.head} type="null"/>`
}
