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
 * The pointer of the first member or item of the container opening at `at`, as deep as a
 * body's depth counts members (`checkJsonValue`); the container's own when it is empty.
 */
const firstIn = (text: string, at: number, pointer: string): string => {
  let i = at + 1
  while (isSpace(text.charCodeAt(i))) i++
  const ch = text.charCodeAt(i)
  if (ch === 125 || ch === 93 || i >= text.length) return pointer
  if (text.charCodeAt(at) === 91) return `${pointer}/0`
  if (ch !== 34) return pointer
  try {
    const name = JSON.parse(text.slice(i, stringEnd(text, i) + 1)) as string
    return `${pointer}/${pointerToken(name)}`
  } catch {
    return pointer // not JSON: the parser's message says so
  }
}

/** What `findInJson` finds first. */
type Finding =
  { kind: 'twice'; name: string; pointer: string } | { kind: 'tooDeep'; pointer: string }

/**
 * Walks a JSON text with the pointer of every container it opens: the first member whose
 * name its object already has (when `twice`), or the first container opened deeper than
 * `limit`. Slower than `scanJson`, for the error paths that must say where.
 */
const findInJson = (text: string, limit: number, twice: boolean): Finding | undefined => {
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
        if (twice && top.names.has(name))
          return { kind: 'twice', name, pointer: `${top.pointer}/${pointerToken(name)}` }
        top.names.add(name)
        top.name = name
      }
      i = end
    } else if (ch === 123 || ch === 91) {
      const pointer = top ? `${top.pointer}/${top.names ? pointerToken(top.name) : top.index}` : ''
      if (open.length + 1 > limit) return { kind: 'tooDeep', pointer: firstIn(text, i, pointer) }
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

/**
 * The first member whose name its object already has, in a text `JSON.parse` accepts: the
 * name, and its JSON pointer. Names compare as decoded (`"a"` and `"\u0061"` are one name).
 *
 * @example
 * duplicateMember('{"a":{"b":1,"b":2}}') // { name: 'b', pointer: '/a/b' }
 * duplicateMember('[{"a":1},{"a":2}]') // undefined
 */
export const duplicateMember = (text: string): { name: string; pointer: string } | undefined => {
  const found = findInJson(text, Infinity, true)
  return found?.kind === 'twice' ? { name: found.name, pointer: found.pointer } : undefined
}

/**
 * The JSON pointer of the first member (or item) inside the first container a text (one
 * `scanJson` found too deep) opens deeper than `limit`: the member a client nested too far,
 * as a JSON text in a CSV cell or form field names it.
 *
 * @example
 * tooDeepPointer('{"a":[{"b":[1]}]}', 3) // '/a/0/b/0'
 * tooDeepPointer('{"a":[{"b":[1]}]}', 2) // '/a/0/b'
 */
export const tooDeepPointer = (text: string, limit: number): string =>
  findInJson(text, limit, false)?.pointer ?? ''
