import { shapeOf } from '../model/shape.ts'
import type * as v from 'valibot'
import { columnsOf, createTable, flattenRow } from './flat.ts'
import { namePointer, unflatten } from './unflatten.ts'
import { BodySyntaxError, type BodyParser, tooManyNodes } from './types.ts'

/** A `%` not followed by two hex digits: URLSearchParams would keep it as text. */
const BROKEN_ESCAPE = /%(?![0-9A-Fa-f]{2})/

/**
 * One name or value: `+` is a space, `%XX` escapes are UTF-8 bytes. `decodeURIComponent`
 * rejects invalid UTF-8 (truncated sequences, overlong forms, surrogates), where URLSearchParams
 * would quietly substitute U+FFFD. A value's problem points at its field (`pointer`), a name's
 * at the body.
 */
const decode = (raw: string, what: string, pointer?: () => string): string => {
  const text = raw.replaceAll('+', ' ')
  if (!text.includes('%')) return text
  const broken = BROKEN_ESCAPE.exec(text)
  if (broken)
    throw new BodySyntaxError(
      `Malformed form body: ${what} has a broken percent-escape "${text.slice(broken.index, broken.index + 3)}"`,
      pointer?.(),
    )
  try {
    return decodeURIComponent(text)
  } catch {
    throw new BodySyntaxError(
      `Malformed form body: ${what} is not valid UTF-8 once decoded`,
      pointer?.(),
    )
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` request body with the names and cell rules of
 * `csv.ts` (dotted paths, dictionary keys after the field's dot, typed arrays as JSON text),
 * shaped and scalar-coerced by the schema. Form text is taken as sent: no formula
 * neutralisation to undo. Broken escapes, invalid UTF-8 and a name given twice are a
 * `BodySyntaxError`.
 *
 * @example
 * parseForm('EmailAddress=user%40example.com&Tags=%5B%22a%22%5D', Req, { maxDepth: 32 })
 * // { EmailAddress: 'user@example.com', Tags: ['a'] }
 */
export const parseForm: BodyParser = (text, schema, options) => {
  const { maxDepth, ignoreCase = false, maxNodes = Infinity } = options
  const shape = shapeOf(schema)
  const fields = new Map<string, string>()
  const pairs = text.split('&')
  if (pairs.length > maxNodes) throw tooManyNodes('fields', maxNodes)
  for (const pair of pairs) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decode(eq < 0 ? pair : pair.slice(0, eq), 'a field name')
    const pointer = () => namePointer(shape, name, ignoreCase)
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1), `the value of "${name}"`, pointer)
    if (fields.has(name))
      throw new BodySyntaxError(
        `Malformed form body: "${name}" is given twice; send each field once`,
        pointer(),
      )
    fields.set(name, value)
  }
  return unflatten(shape, fields, { maxDepth, neutralised: false, ignoreCase })
}

/**
 * The form body `parseForm` reads back as `value`: one field per column of the flat convention
 * (dotted paths, `dictionary.key`), the text as it is. Used for the docs' request samples.
 *
 * @example
 * formBody(CreateAmazonUser, { accessToken: 'a', refreshToken: 'r' }, 32) // 'accessToken=a&refreshToken=r'
 */
export const formBody = (schema: v.GenericSchema, value: unknown, maxDepth: number): string => {
  const table = createTable(shapeOf(schema), maxDepth, (text) => text)
  const row = flattenRow(table, value)
  const params = new URLSearchParams()
  for (const column of columnsOf(table)) params.append(column.name, row[column.index] ?? '')
  return params.toString()
}
