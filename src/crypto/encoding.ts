/** Base64url without padding, for tokens and ciphertexts that travel in text. */
export const toBase64Url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

// Four characters carry three bytes; a last group of one character carries no whole byte.
const BASE64URL = /^(?:[\w-]{4})*(?:[\w-]{2,3})?$/
// The bits a last group of 2 (or 3) characters carries past its 1 (or 2) bytes.
const SPARE_BITS: Record<number, number> = { 2: 0b1111, 3: 0b11 }
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * Decodes base64url exactly as `toBase64Url` writes it (RFC 4648 §5, no padding, as JWS
 * requires), and throws on anything else: padding, `+` or `/`, any other character, an
 * impossible length, or set bits past the last byte. So each byte string has one text, and
 * no token, signature or cursor is accepted in a second spelling.
 *
 * @example
 * fromBase64Url('AQI') // Uint8Array [1, 2]
 * fromBase64Url('AQJ') // throws: the spare bits of 'J' are set
 */
export const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => {
  if (!BASE64URL.test(text)) throw new Error('not base64url')
  const spare = SPARE_BITS[text.length % 4]
  if (spare !== undefined && (ALPHABET.indexOf(text.at(-1)!) & spare) !== 0)
    throw new Error('not base64url')
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/**
 * Decodes a configured key in base64 (standard or url alphabet, padding optional), as people
 * write keys by hand or with `openssl rand -base64`; throws on anything else.
 *
 * @example
 * fromBase64('AAECAw==') // Uint8Array [0, 1, 2, 3]
 */
export const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new Error('not base64')
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

export const hex = (bytes: ArrayBuffer | Uint8Array): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')

const encoder = new TextEncoder()
export const utf8 = (text: string): Uint8Array<ArrayBuffer> =>
  encoder.encode(text) as Uint8Array<ArrayBuffer>
