import { BodySyntaxError } from './types.ts'

// XML 1.0 §2.8: `<?xml` VersionInfo EncodingDecl? SDDecl? S? `?>`, each pseudo-attribute in
// its place. No nested quantifiers over the same characters, so matching is linear.
const S = '[ \\t\\r\\n]'
const EQ = `${S}*=${S}*`
const DECLARATION = new RegExp(
  `^<\\?xml${S}+version${EQ}(?:"1\\.[0-9]+"|'1\\.[0-9]+')` +
    `(?:${S}+encoding${EQ}(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?` +
    `(?:${S}+standalone${EQ}(?:"(?:yes|no)"|'(?:yes|no)'))?${S}*\\?>`,
)

/** Whether the text at `at` opens the XML declaration (`<?xml` then a space or `?>`). */
export const isXmlDeclaration = (text: string, at: number): boolean =>
  text.startsWith('<?xml', at) && /[ \t\r\n?]/.test(text.charAt(at + 5))

/**
 * Reads the XML declaration the text starts with and returns its length and the encoding it
 * names, if any. A declaration that does not follow the grammar is malformed.
 *
 * @example
 * xmlDeclaration('<?xml version="1.0" encoding="UTF-8"?><a/>')
 * // { length: 38, encoding: 'UTF-8' }
 * xmlDeclaration('<?xml?><a/>') // throws BodySyntaxError
 */
export const xmlDeclaration = (text: string): { length: number; encoding?: string } => {
  const match = DECLARATION.exec(text)
  if (!match)
    throw new BodySyntaxError(
      'Malformed XML declaration: write <?xml version="1.0" encoding="UTF-8"?>',
    )
  const encoding = match[1] ?? match[2]
  return encoding === undefined
    ? { length: match[0].length }
    : { length: match[0].length, encoding }
}

/**
 * The encoding an XML body's bytes announce before they are decoded (XML 1.0 Appendix F):
 * UTF-16 without a byte order mark (`<?` as two-byte units), else the declaration's
 * `encoding`, read as ASCII, after an optional UTF-8 byte order mark. Undefined when neither
 * says anything; a declaration too malformed to read is left for the parser to report.
 *
 * @example
 * declaredXmlEncoding(new TextEncoder().encode('<?xml version="1.0" encoding="latin1"?>'))
 * // 'latin1'
 */
export const declaredXmlEncoding = (bytes: Uint8Array): string | undefined => {
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f)
    return 'UTF-16BE'
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00)
    return 'UTF-16LE'
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  // A declaration is short: its pseudo-attributes are a few dozen bytes, whatever the spaces.
  const head = String.fromCharCode(...bytes.subarray(from, from + 256))
  if (!isXmlDeclaration(head, 0)) return undefined
  const end = head.indexOf('?>')
  const pseudo = /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]+)"|'([^']+)')/.exec(
    end === -1 ? head : head.slice(0, end),
  )
  return pseudo ? (pseudo[1] ?? pseudo[2]) : undefined
}

/**
 * Whether an encoding or charset name means UTF-8, the only one the gateway reads. `utf8` is
 * not a registered name, but no reader takes it for anything else.
 */
export const isUtf8 = (name: string): boolean => /^utf-?8$/i.test(name)
