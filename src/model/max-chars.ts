import * as v from 'valibot'

/** Code points of a text: a character outside the BMP (an emoji) is one, not two. */
const codePoints = (text: string): number => {
  let count = text.length
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xd800 || unit > 0xdbff) continue
    const next = text.charCodeAt(i + 1)
    if (next >= 0xdc00 && next <= 0xdfff) {
      count--
      i++
    }
  }
  return count
}

/**
 * valibot's `maxLength` counting characters as JSON Schema's `maxLength` does, by code point:
 * JavaScript's `length` counts UTF-16 units, so 129 emoji passed an OpenAPI validator's
 * `maxLength: 256` and were refused here. Its `type` stays `max_length`, so JSON Schema still
 * says `maxLength`.
 *
 * @example
 * v.parse(v.pipe(v.string(), maxChars(2, 'too long')), '😀😀') // '😀😀'
 */
export const maxChars = (
  requirement: number,
  message: string,
): v.MaxLengthAction<string, number, string> => {
  const action = v.maxLength<string, number, string>(requirement, message)
  return {
    ...action,
    '~run'(dataset, config) {
      // Longer in units but not in characters: within the bound.
      if (dataset.typed && dataset.value.length > requirement)
        if (codePoints(dataset.value) <= requirement) return dataset
      return action['~run'].call(this, dataset, config)
    },
  }
}
