import { pointerToken } from './coerce.ts'

/** What `scanJson` finds in a JSON text. */
export interface JsonOutline {
  /** It nests deeper than the limit given (then `members` is not counted to the end). */
  tooDeep: boolean
  /** The object members it names: its colons outside strings. */
  members: number
}

/**
 * One linear scan of a JSON text that skips strings: whether it nests deeper than `limit`, so
 * a hostile 100,000-deep body is refused before `JSON.parse` or any recursive walk sees it, and
 * how many object members it names. `JSON.parse` keeps one member per name, the last, so a
 * parsed value with fewer members than the text names had a name given twice.
 *
 * @example
 * scanJson('[[1]]', 1) // { tooDeep: true, members: 0 }
 * scanJson('{"a":1,"a":2}', 32) // { tooDeep: false, members: 2 }
 */
export const scanJson = (text: string, limit: number): JsonOutline => {
  let depth = 0
  let members = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92)
        i++ // backslash: skip the escaped character
      else if (ch === 34) inString = false
    } else if (ch === 34) inString = true
    else if (ch === 58) members++
    else if (ch === 123 || ch === 91) {
      if (++depth > limit) return { tooDeep: true, members }
    } else if (ch === 125 || ch === 93) depth--
  }
  return { tooDeep: false, members }
}

/** The index of the quote that ends the string starting at `from`. */
const stringEnd = (text: string, from: number): number => {
  for (let i = from + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 92) i++
    else if (ch === 34) return i
  }
  return text.length
}

const isSpace = (ch: number) => ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d

/**
 * The first member whose name its object already has, in a text `JSON.parse` accepts: the
 * name, and its JSON pointer. Names compare as decoded (`"a"` and `"\u0061"` are one name).
 *
 * @example
 * duplicateMember('{"a":{"b":1,"b":2}}') // { name: 'b', pointer: '/a/b' }
 * duplicateMember('[{"a":1},{"a":2}]') // undefined
 */
export const duplicateMember = (text: string): { name: string; pointer: string } | undefined => {
  // Each open container: its pointer; an object's names so far and the last one; an array's
  // index of the item being read.
  const open: { pointer: string; names?: Set<string>; name: string; index: number }[] = []
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    const top = open.at(-1)
    if (ch === 34) {
      const end = stringEnd(text, i)
      let next = end + 1
      while (isSpace(text.charCodeAt(next))) next++
      if (top?.names && text.charCodeAt(next) === 58) {
        const name = JSON.parse(text.slice(i, end + 1)) as string
        if (top.names.has(name)) return { name, pointer: `${top.pointer}/${pointerToken(name)}` }
        top.names.add(name)
        top.name = name
      }
      i = end
    } else if (ch === 123 || ch === 91) {
      const pointer = top ? `${top.pointer}/${top.names ? pointerToken(top.name) : top.index}` : ''
      open.push({
        pointer,
        ...(ch === 123 ? { names: new Set<string>() } : {}),
        name: '',
        index: 0,
      })
    } else if (ch === 125 || ch === 93) open.pop()
    else if (ch === 44 && top && !top.names) top.index++
  }
  return undefined
}
