import { checkJsonValue, type JsonCheckOptions } from './json-check.ts'
import { BodySyntaxError, type BodyParser, tooManyNodes } from './types.ts'
import { duplicateMember, scanJson, tooDeepPointer } from './json-scan.ts'
import { shapeOf } from '../model/shape.ts'
import { withFieldNames } from './field-names.ts'

/**
 * `application/json` bodies: depth-bounded before parsing; then, with the full pointer to the
 * member (`checkJsonValue`), `__proto__`, `constructor` and `prototype` members refused
 * wherever they appear, and lone surrogates (`"\udc00"`) in names and strings refused; and a
 * member named twice in one object refused, as a form field or a CSV column given twice is.
 * `JSON.parse` would keep the last silently, where another reader of the same text (a proxy, a
 * log, a signature check) may take the first. With `ignoreCase`, members take the schema's
 * spelling (`withFieldNames`).
 */
export const parseJson: BodyParser = (text, schema, options) => {
  const outline = scanJson(text, options.maxDepth)
  if (outline.tooDeep) {
    throw new BodySyntaxError(
      `JSON nested deeper than ${options.maxDepth} levels`,
      tooDeepPointer(text, options.maxDepth),
    )
  }
  const maxNodes = options.maxNodes ?? Infinity
  if (outline.members > maxNodes) throw tooManyNodes('members', maxNodes)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new BodySyntaxError(`malformed JSON: ${(error as Error).message}`)
  }
  // The members `JSON.parse` kept: one per name in each object.
  refuseTwice(text, checkJsonValue(value), outline.members)
  return options.ignoreCase ? withFieldNames(shapeOf(schema), value) : value
}

/** Refuses a text that names more members than `JSON.parse` kept: a name given twice. */
const refuseTwice = (text: string, kept: number, named: number, pointer = ''): void => {
  if (kept === named) return
  const twice = duplicateMember(text)
  const what = twice ? `member ${JSON.stringify(twice.name)}` : 'a member'
  throw new BodySyntaxError(
    `${what} is given twice in one object; send each member once`,
    twice ? `${pointer}${twice.pointer}` : pointer,
  )
}

/** What `parseJsonText` gives for text that is not JSON. */
export const NOT_JSON = Symbol('not JSON')

/**
 * JSON text inside a body (a CSV cell, a form field) read as a JSON body is
 * (`checkJsonValue`, and a member given twice refused), its pointers below `pointer`; or
 * `NOT_JSON`, for the caller to refuse or keep as text.
 *
 * @example
 * parseJsonText('{"x":1}', '/customData/a', { maxDepth: 32, depth: 2 }) // { x: 1 }
 * parseJsonText('{"x":1,"x":2}', '/a', {}) // throws: member "x" is given twice, at /a/x
 */
export const parseJsonText = (
  text: string,
  pointer: string,
  options: JsonCheckOptions,
): unknown => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return NOT_JSON
  }
  // Parsed, so its nesting is bounded by the check's depth limit before the scan counts.
  refuseTwice(
    text,
    checkJsonValue(value, pointer, options),
    scanJson(text, Infinity).members,
    pointer,
  )
  return value
}
