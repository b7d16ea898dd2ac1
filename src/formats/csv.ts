import { resolve, shapeOf, type Shape } from '../model/shape.ts'
import { columnsOf, createTable, flattenRow, neutralise, type Column } from './flat.ts'
import type { Format } from './types.ts'

const CONTENT_TYPE = 'text/csv; charset=utf-8; header=present'
const UNKNOWN: Shape = { kind: 'unknown' }

/**
 * `text/csv; charset=utf-8; header=present` — how a model becomes CSV.
 *
 * Layout (RFC 4180)
 * - CRLF ends every line, the last one included; exactly one header row.
 * - A field is quoted, with `"` doubled, when it contains `,`, `"`, CR or LF, or starts or ends
 *   with a space.
 * - A single resource is one row; a problem is one row; a collection page is one row per item,
 *   and the page's own members (total, skip, …) are not in the body: they travel in headers.
 *
 * Columns
 * - Nested objects flatten to dotted names (`Data.SessionTokens.IdToken`).
 * - Dictionaries flatten to `<field>.<key>` (`Attributes.email`); the key is everything after
 *   the field's dot, so it may itself contain dots. A dictionary value that is not a scalar is
 *   one cell of JSON text.
 * - Free-form members (`customData`) flatten their object members the same way
 *   (`customData.note`, `customData.a.b`); a free-form array is one cell of JSON text.
 * - A typed array, of scalars or objects and at any depth, is ONE cell holding the JSON text of
 *   the array as JSON would show it (write-only members removed): `["a","b"]`, `[{"Name":"x"}]`.
 * - Write-only fields never appear. `null` and absent members are empty cells.
 * - Order: the schema's field order; dictionary and free-form keys in first-seen order at their
 *   field's position. A collection's header is the union of its items' columns. Scalar,
 *   typed-array and nested-object fields are always columns (so an empty collection still has a
 *   header); dictionary, free-form and recursive (`v.lazy`) members add columns only as deep as
 *   the data goes, and data deeper than `maxDepth` is a `SerializationError`.
 *
 * Cells
 * - Numbers as `String(n)` (never prefixed: `-5` stays a number a spreadsheet can sum; a
 *   non-finite number is an empty cell, as JSON makes it null), booleans `true`/`false`, dates
 *   as ISO 8601.
 * - Formula neutralisation (OWASP): a string, or a header name (dictionary keys are user data),
 *   starting with `=`, `+`, `-`, `@`, TAB, CR or LF gets a leading `'`; a string starting with
 *   one or more `'` before one of those gets one more `'`, so the reader removes exactly one.
 *
 * Read back by `parseCsv` with the same schema, a resource gives back its JSON projection,
 * except: an empty cell is absent (a required string is `''`, a required nullable member
 * `null`), an object whose members are all absent is absent, and free-form text that looks like
 * a number, `true`/`false` or a JSON array/object comes back as that value.
 */
export const csv: Format = {
  key: 'csv',
  mediaTypes: ['text/csv'],
  contentType: () => CONTENT_TYPE,
  problemContentType: CONTENT_TYPE,
  serialize: (schema, value, context) => {
    const shape = shapeOf(schema)
    const page = context.problem ? undefined : context.collection
    if (!page) {
      const table = createTable(shape, context.maxDepth, encodeCell)
      const row = flattenRow(table, value)
      return write(columnsOf(table), [row])
    }
    const table = createTable(itemShape(shape, page.itemsKey), context.maxDepth, encodeCell)
    const items = (value as Record<string, unknown> | null)?.[page.itemsKey]
    // Items sit at depth 2 of the page (page → items → item), as in the JSON representation.
    const rows = Array.isArray(items) ? items.map((item) => flattenRow(table, item, 2)) : []
    return write(columnsOf(table), rows)
  },
}

/** Anything that needs neutralising or quoting: one test, so plain cells take the fast path. */
const SPECIAL = /^[=+\-@\t\r\n' ]|[",\r\n]| $/
const QUOTE = /[",\r\n]|^ | $/

/**
 * One cell as RFC 4180 text; `isString` marks user text, which is formula-neutralised first.
 *
 * @example
 * encodeCell('=1+1', true) // "'=1+1"
 * encodeCell('a,"b"', true) // '"a,""b"""'
 */
export const encodeCell = (text: string, isString: boolean): string => {
  if (!SPECIAL.test(text)) return text
  const safe = isString ? neutralise(text) : text
  return QUOTE.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const itemShape = (page: Shape, itemsKey: string): Shape => {
  const s = resolve(page)
  const field = s.kind === 'object' ? s.fields.find((f) => f.key === itemsKey) : undefined
  const items = field ? resolve(field.shape) : undefined
  return items?.kind === 'array' ? items.item : UNKNOWN
}

const write = (columns: readonly Column[], rows: readonly string[][]): string => {
  let out = ''
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) out += ','
    out += encodeCell(columns[i]!.name, true)
  }
  out += '\r\n'
  const indexes = columns.map((c) => c.index)
  for (const row of rows) {
    for (let i = 0; i < indexes.length; i++) {
      if (i > 0) out += ','
      out += row[indexes[i]!] ?? ''
    }
    out += '\r\n'
  }
  return out
}
