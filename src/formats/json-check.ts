import { isForbiddenKey, pointerToken } from './coerce.ts'
import { BodySyntaxError } from './types.ts'

export interface JsonCheckOptions {
  /** Deepest nesting allowed, `depth` counting from the value given; none when left out. */
  maxDepth?: number
  /** The depth of the value given (its pointer's), when it sits inside a larger body. */
  depth?: number
}

/**
 * The first lone surrogate of a string, as `\uXXXX` text, or `undefined` when it is well-formed.
 *
 * @example
 * loneSurrogate('k\udc00') // '\\uDC00'
 * loneSurrogate('😀') // undefined
 */
export const loneSurrogate = (text: string): string | undefined => {
  if (text.isWellFormed()) return undefined
  const match = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text)
  return `\\u${match![0].charCodeAt(0).toString(16).toUpperCase()}`
}

/**
 * Checks a value `JSON.parse` built from a request body (a JSON body, or the JSON text of a CSV
 * cell or form field) and counts its object members. Refused, with the pointer to the member:
 *
 * - `__proto__`, `constructor` and `prototype` members, which must never reach an object a
 *   later step could merge;
 * - numbers out of a double's range (`1e400`), which `JSON.parse` reads as Infinity;
 * - lone surrogates in member names and strings, which only a `\uD800`–`\uDFFF` escape can
 *   spell: UTF-8 has no bytes for them, so a driver would store U+FFFD or, where SQLite
 *   decodes the escape itself (`json_each`), bytes that are not UTF-8 at all;
 * - nesting past `maxDepth`, when given.
 *
 * @example
 * checkJsonValue({ a: { b: 1 } }) // 2
 * checkJsonValue({ a: { constructor: 1 } }, '/customData') // throws, pointer /customData/a/constructor
 */
export const checkJsonValue = (
  value: unknown,
  pointer = '',
  { maxDepth = Infinity, depth = 0 }: JsonCheckOptions = {},
): number => {
  if (depth > maxDepth)
    throw new BodySyntaxError(`the body is nested deeper than ${maxDepth} levels`, pointer)
  // `JSON.parse` reads `1e400` as Infinity, which JSON cannot write back: stored, it is null.
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new BodySyntaxError(
      'the number is out of range: it must be at most about 1.8e308',
      pointer,
    )
  if (typeof value === 'string') {
    const lone = loneSurrogate(value)
    if (lone) throw new BodySyntaxError(`the string holds a lone surrogate ${lone}${WHY}`, pointer)
    return 0
  }
  if (typeof value !== 'object' || value === null) return 0
  const options = { maxDepth, depth: depth + 1 }
  if (Array.isArray(value)) {
    let members = 0
    for (let i = 0; i < value.length; i++)
      members += checkJsonValue(value[i], `${pointer}/${i}`, options)
    return members
  }
  const keys = Object.keys(value)
  let members = keys.length
  for (const key of keys) {
    const at = `${pointer}/${pointerToken(key)}`
    if (isForbiddenKey(key)) throw new BodySyntaxError(`member "${key}" is not allowed`, at)
    const lone = loneSurrogate(key)
    if (lone)
      throw new BodySyntaxError(
        `the member name ${JSON.stringify(key)} holds a lone surrogate ${lone}${WHY}`,
        at,
      )
    members += checkJsonValue((value as Record<string, unknown>)[key], at, options)
  }
  return members
}

const WHY = ', which is not text: send well-formed Unicode'
