import { isForbiddenKey, pointerToken } from './coerce.ts'
import { BodySyntaxError, type BodyParser } from './types.ts'
import { jsonDepthExceeds } from './json-depth.ts'

/**
 * `application/json` bodies: depth-bounded before parsing, and `__proto__`, `constructor` and
 * `prototype` members refused wherever they appear.
 */
export const parseJson: BodyParser = (text, _schema, options) => {
  if (jsonDepthExceeds(text, options.maxDepth)) {
    throw new BodySyntaxError(`JSON nested deeper than ${options.maxDepth} levels`)
  }
  try {
    return JSON.parse(text, (key, value) => {
      if (isForbiddenKey(key)) {
        throw new BodySyntaxError(`member "${key}" is not allowed`, `/${pointerToken(key)}`)
      }
      return value
    })
  } catch (error) {
    if (error instanceof BodySyntaxError) throw error
    throw new BodySyntaxError(`malformed JSON: ${(error as Error).message}`)
  }
}
