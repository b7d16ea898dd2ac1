import { BodySyntaxError } from './types.ts'

const PREDEFINED = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
])
const REFERENCE = /&(?:#x([0-9A-Fa-f]+);|#([0-9]+);|([A-Za-z_][\w.-]*);)?/g

const isXmlChar = (cp: number): boolean =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff)

/**
 * Expands the five predefined entities and character references; nothing else exists (no
 * DOCTYPE can declare an entity). Leading zeros are legal (`&#0065;`), so only the digits
 * after them are measured.
 *
 * @example
 * decodeReferences('a &lt; b &#x1F600;', '/note') // 'a < b 😀'
 */
export const decodeReferences = (raw: string, pointer: string): string => {
  if (!raw.includes('&')) return raw
  return raw.replace(REFERENCE, (match, hex?: string, dec?: string, named?: string) => {
    if (named !== undefined) {
      const char = PREDEFINED.get(named)
      if (char === undefined) throw new BodySyntaxError(`unknown entity ${match}`, pointer)
      return char
    }
    const digits = (hex ?? dec)?.replace(/^0+(?=.)/, '')
    if (digits === undefined) throw new BodySyntaxError("'&' must start a reference", pointer)
    const cp = digits.length > 8 ? -1 : Number.parseInt(digits, hex === undefined ? 10 : 16)
    if (!isXmlChar(cp)) throw new BodySyntaxError(`${match} is not a character XML allows`, pointer)
    return String.fromCodePoint(cp)
  })
}

/**
 * The text of character data (outside CDATA): `]]>` may not appear in it raw (XML 1.0 §2.4),
 * and its references are expanded.
 *
 * @example
 * characterData('a&amp;b', '/note') // 'a&b'
 */
export const characterData = (raw: string, pointer: string): string => {
  if (raw.includes(']]>')) throw new BodySyntaxError("']]>' must be escaped in text", pointer)
  return decodeReferences(raw, pointer)
}

/**
 * An attribute's value: no raw `<`, literal whitespace normalised to spaces (XML 1.0 §3.3.3),
 * references expanded.
 *
 * @example
 * attributeValue('a\tb&#10;c', '/Attributes') // 'a b\nc'
 */
export const attributeValue = (raw: string, pointer: string): string => {
  if (raw.includes('<'))
    throw new BodySyntaxError("'<' is not allowed in attribute values", pointer)
  return decodeReferences(raw.replace(/[\t\n\r]/g, ' '), pointer)
}
