/**
 * The nesting depth of a JSON text, found by a linear scan that skips strings, so a hostile
 * 100,000-deep body is refused before `JSON.parse` or any recursive walk sees it.
 *
 * @example
 * jsonDepthExceeds('[[1]]', 1) // true
 */
export const jsonDepthExceeds = (text: string, limit: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92)
        i++ // backslash: skip the escaped character
      else if (ch === 34) inString = false
    } else if (ch === 34) inString = true
    else if (ch === 123 || ch === 91) {
      if (++depth > limit) return true
    } else if (ch === 125 || ch === 93) depth--
  }
  return false
}
