import { checkJsonValue } from './json-check.ts'
import { BodySyntaxError, type BodyParser } from './types.ts'
import { duplicateMember, scanJson } from './json-scan.ts'
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
    throw new BodySyntaxError(`JSON nested deeper than ${options.maxDepth} levels`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new BodySyntaxError(`malformed JSON: ${(error as Error).message}`)
  }
  // The members `JSON.parse` kept: one per name in each object.
  const kept = checkJsonValue(value)
  if (kept !== outline.members) {
    const twice = duplicateMember(text)
    const what = twice ? `member ${JSON.stringify(twice.name)}` : 'a member'
    throw new BodySyntaxError(
      `${what} is given twice in one object; send each member once`,
      twice?.pointer,
    )
  }
  return options.ignoreCase ? withFieldNames(shapeOf(schema), value) : value
}
