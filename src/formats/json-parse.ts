import { isForbiddenKey, pointerToken } from './coerce.ts'
import { BodySyntaxError, type BodyParser } from './types.ts'
import { duplicateMember, scanJson } from './json-scan.ts'
import { shapeOf } from '../model/shape.ts'
import { withFieldNames } from './field-names.ts'

/**
 * `application/json` bodies: depth-bounded before parsing; `__proto__`, `constructor` and
 * `prototype` members refused wherever they appear; and a member named twice in one object
 * refused, as a form field or a CSV column given twice is. `JSON.parse` would keep the last
 * silently, where another reader of the same text (a proxy, a log, a signature check) may take
 * the first. With `ignoreCase`, members take the schema's spelling (`withFieldNames`).
 */
export const parseJson: BodyParser = (text, schema, options) => {
  const outline = scanJson(text, options.maxDepth)
  if (outline.tooDeep) {
    throw new BodySyntaxError(`JSON nested deeper than ${options.maxDepth} levels`)
  }
  // Members `JSON.parse` kept, counted as its reviver meets them; the root's holder is one more.
  let kept = -1
  let value: unknown
  try {
    value = JSON.parse(text, function (this: unknown, key, value) {
      if (isForbiddenKey(key)) {
        throw new BodySyntaxError(`member "${key}" is not allowed`, `/${pointerToken(key)}`)
      }
      if (!Array.isArray(this)) kept++
      return value
    })
  } catch (error) {
    if (error instanceof BodySyntaxError) throw error
    throw new BodySyntaxError(`malformed JSON: ${(error as Error).message}`)
  }
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
