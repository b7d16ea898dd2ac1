import { resolve, shapeOf, type Shape } from '../model/shape.ts'
import {
  type DocumentWriter,
  flushIfLong,
  NO_BYTES,
  serializersOf,
  type TextChunks,
  written,
} from './chunked-text.ts'
import { csvRowWriter, encodeCell, headerLine, rowLine } from './csv-row.ts'
import { addColumns, columnsOf, createTable, flattenRow } from './flat.ts'
import type { Format } from './types.ts'

const CONTENT_TYPE = 'text/csv; charset=utf-8; header=present'
const UNKNOWN: Shape = { kind: 'unknown' }

/** A whole document: its text, or what `finish` makes of its bytes once it passed `CHUNK`. */
const csvDocument: DocumentWriter = (schema, value, context, finish) => {
  const shape = shapeOf(schema)
  const page = context.problem ? undefined : context.collection
  if (!page) {
    const table = createTable(shape, context.maxDepth, encodeCell)
    const row = flattenRow(table, value)
    const columns = columnsOf(table)
    return headerLine(columns) + rowLine(row, columns)
  }
  const table = createTable(itemShape(shape, page.itemsKey), context.maxDepth, encodeCell)
  const found = (value as Record<string, unknown> | null)?.[page.itemsKey]
  const items: readonly unknown[] = Array.isArray(found) ? found : []
  // Items count their depth from themselves, as in every format (`rootDepth`). The header
  // (the union of the items' columns) is known first, so each row is then written straight
  // into its line by a writer compiled for that header, a chunk at a time.
  for (const item of items) addColumns(table, item)
  const columns = columnsOf(table)
  const line = csvRowWriter(table, columns, 0)
  const rows = (out: TextChunks) => {
    for (const item of items) {
      out.text += line(item)
      flushIfLong(out)
    }
  }
  return written({ text: headerLine(columns), bytes: NO_BYTES, length: 0, full: [] }, rows, finish)
}

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
 * `null`), an object whose members are all absent is absent, and a free-form cell, which has
 * no schema type, is read by its text: a number exactly as `String(n)` writes it (`5`, `-2.5`,
 * `1e+21`, never `1.10`, `007`, `1e3`), `true`/`false`, or JSON text starting with `[` or `{`
 * comes back as that value, so a free-form string `"5"`, `"true"` or `"[1]"` comes back typed
 * and `""` absent. Every number (`-0` as `0`, as in JSON), boolean, object and array, and all
 * other text, come back. Where a free-form member is not a dictionary's value, its object keys
 * are column names split on dots, so a key holding a dot comes back as nesting.
 */
export const csv: Format = {
  key: 'csv',
  extension: 'csv',
  mediaTypes: ['text/csv'],
  contentType: () => CONTENT_TYPE,
  problemContentType: CONTENT_TYPE,
  ...serializersOf(csvDocument),
}

const itemShape = (page: Shape, itemsKey: string): Shape => {
  const s = resolve(page)
  const field = s.kind === 'object' ? s.fields.find((f) => f.key === itemsKey) : undefined
  const items = field ? resolve(field.shape) : undefined
  return items?.kind === 'array' ? items.item : UNKNOWN
}
