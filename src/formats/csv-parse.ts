import Papa from 'papaparse'
import type * as v from 'valibot'
import { resolve, shapeOf, type Shape } from '../model/shape.ts'
import { unneutralise } from './flat.ts'
import { namePointer, unflatten } from './unflatten.ts'
import { BodySyntaxError, type BodyParser, tooManyNodes } from './types.ts'

/**
 * The first `count` columns a body of this shape may carry, as a client names them: every
 * member, write-only ones included (a body is where those are sent), nested objects as dotted
 * names; dictionaries and free-form members take keys of the client's own, so none is named.
 */
const inputColumns = (shape: Shape, count: number, prefix = ''): string[] => {
  const s = resolve(shape)
  if (s.kind !== 'object') return []
  const names: string[] = []
  for (const field of s.fields) {
    if (names.length >= count) break
    const name = prefix + field.key
    const kind = resolve(field.shape).kind
    if (kind === 'object')
      names.push(...inputColumns(field.shape, count - names.length, `${name}.`))
    else if (kind !== 'record' && kind !== 'unknown') names.push(name)
  }
  return names
}

/** What a CSV body must look like, with the schema's own column names when it has some. */
const expected = (schema: v.GenericSchema): string => {
  const names = inputColumns(shapeOf(schema), 4)
  const rule = 'A CSV body is a header row naming the fields and one data row'
  if (!names.length) return `${rule}.`
  const cells = names.map((name) => placeholder(leafShape(schema, name)))
  return `${rule}, e.g. ${JSON.stringify(`${names.join(',')}\r\n${cells.join(',')}`)}`
}

const leafShape = (schema: v.GenericSchema, name: string): Shape | undefined => {
  let s: Shape | undefined = shapeOf(schema)
  for (const key of name.split('.')) {
    const r: Shape = resolve(s)
    s = r.kind === 'object' ? r.fields.find((f) => f.key === key)?.shape : undefined
    if (!s) return undefined
  }
  return s
}

// The ServiceStack seed's own placeholder style.
const placeholder = (shape: Shape | undefined): string => {
  const s = shape && resolve(shape)
  if (s?.kind === 'number') return '0'
  if (s?.kind === 'boolean') return 'false'
  if (s?.kind === 'enum') return s.options[0] ?? 'String'
  if (s?.kind === 'array') return '[]'
  return 'String'
}

/**
 * The commas before the first line break: at least the header's columns less one (a quoted
 * name may hold a comma or go on past the line), counted before papaparse reads the body.
 */
const commasInFirstLine = (text: string): number => {
  let commas = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0a || c === 0x0d) break
    if (c === 0x2c) commas++
  }
  return commas
}

const fail = (schema: v.GenericSchema, problem: string, pointer?: string): BodySyntaxError =>
  new BodySyntaxError(`${problem}. ${expected(schema)}`, pointer)

/**
 * The text with every line break outside a quoted field made one LF. RFC 4180 writes CRLF, but
 * files are edited, concatenated and sent by hand: CR, LF and CRLF all end a record, in any
 * mix. papaparse takes the first line break it meets as the only one, so after `\r\n` a record
 * ending in `\n` would end in data (`"Q\n"`). Line breaks inside quotes are data and stay; a
 * quote opens a field only at its start, where papaparse sees one.
 */
const withLfBreaks = (text: string): string => {
  if (!text.includes('\r')) return text
  let out = ''
  let from = 0
  let fieldStart = true
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (fieldStart && c === 34) {
      // To the closing quote: `""` is a quote inside the field. Anything malformed after it is
      // papaparse's to report.
      for (i++; i < text.length; i++) {
        if (text.charCodeAt(i) !== 34) continue
        if (text.charCodeAt(i + 1) !== 34) break
        i++
      }
      fieldStart = false
      continue
    }
    fieldStart = c === 44 || c === 10 || c === 13
    if (c !== 13) continue
    out += `${text.slice(from, i)}\n`
    if (text.charCodeAt(i + 1) === 10) i++
    from = i + 1
  }
  return out + text.slice(from)
}

/**
 * How many records at the end of the text are empty lines: one per line break that ends it.
 * papaparse reads an empty line and a record of one empty quoted field (`""`) alike, as `['']`,
 * so only the text can tell them apart. (A line break inside quotes cannot end the text: an
 * unclosed quote is refused first.)
 */
const trailingEmptyRecords = (text: string): number => {
  let count = 0
  for (let i = text.length - 1; i >= 0 && text.charCodeAt(i) === 10; i--) count++
  return count
}

/** Header and data row, checked for the shape a request body must have. */
const readRows = (text: string, schema: v.GenericSchema): [string[], string[]] => {
  if (text.trim() === '') throw fail(schema, 'The CSV body is empty')
  if (/^\s*[{[]/.test(text))
    throw new BodySyntaxError(
      `${expected(schema)} — this looks like JSON; send it as application/json`,
    )
  const lines = withLfBreaks(text)
  // No header mode: papaparse would silently rename duplicate names and pad short rows.
  const { data, errors } = Papa.parse<string[]>(lines, {
    header: false,
    delimiter: ',',
    newline: '\n',
  })
  const quoteError = errors[0]
  if (quoteError)
    throw fail(schema, `Malformed CSV in row ${(quoteError.row ?? 0) + 1}: ${quoteError.message}`)
  // The line break after the last record ends it (papaparse reads one more, empty record after
  // it), and empty lines after that are no records either. A blank line before the data row
  // is still one: that body has two data rows. A row of one empty quoted field (`""`, RFC
  // 4180) is a record, not an empty line: the schema decides what an empty value means.
  data.length = Math.max(1, data.length - trailingEmptyRecords(lines))
  const [header, row, ...more] = data
  if (!header || !row) throw fail(schema, 'The CSV body has a header row but no data row')
  if (more.length > 0) throw fail(schema, `The CSV body has ${more.length + 1} data rows`)
  if (row.length !== header.length)
    throw fail(
      schema,
      `The header row names ${header.length} fields but the data row has ${row.length}`,
    )
  return [header, row]
}

/**
 * Reads a `text/csv` request body: one header row, one data row, names and cells as `csv.ts`
 * writes them (dotted paths, JSON text for typed arrays, formula neutralisation undone), shaped
 * and scalar-coerced by the schema. Malformed input is a `BodySyntaxError` that says what a CSV
 * body must look like.
 *
 * @example
 * parseCsv('EmailAddress,ConfirmationCode\r\nuser@example.com,123456\r\n', Req, { maxDepth: 32 })
 * // { EmailAddress: 'user@example.com', ConfirmationCode: '123456' }
 */
export const parseCsv: BodyParser = (text, schema, options) => {
  const { maxDepth, ignoreCase = false, maxNodes = Infinity } = options
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (commasInFirstLine(body) >= maxNodes) throw tooManyNodes('columns', maxNodes)
  const [header, row] = readRows(body, schema)
  const shape = shapeOf(schema)
  const names = header.map((name) => unneutralise(name) ?? name)
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name))
      throw fail(
        schema,
        `The header row names "${name}" twice`,
        namePointer(shape, name, ignoreCase),
      )
    seen.add(name)
  }
  const cells = names.map((name, i) => [name, row[i] ?? ''] as const)
  return unflatten(shape, cells, { maxDepth, neutralised: true, ignoreCase })
}
