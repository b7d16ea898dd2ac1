// A key may start with U+FEFF, which a decoder drops by default as a byte order mark.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** The byte of each pair of hex digits. */
const bytesOf = (hex: string): Uint8Array => {
  const bytes = new Uint8Array(hex.length >> 1)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/**
 * The string that text SQLite decoded from JSON itself is in JavaScript, read as `hex(…)`.
 * SQLite's JSON functions (`json_each`'s key and value, `json_extract`) turn an escaped lone
 * surrogate (`"\udc00"`) into the three bytes UTF-8 would give it if it had a place for it
 * (`ED B0 80`), and keep a NUL (`"\u0000"`) as a byte. libSQL reads a column as UTF-8 text and
 * panics on the first, aborting the process, and cuts the second; hex is ASCII and holds every
 * byte. Those three bytes come back as the code unit `JSON.parse` gives for the escape, so such
 * a key is the same string here as in the contact's parsed data; other bytes that are not
 * UTF-8 (a value stored by hand) become U+FFFD.
 *
 * @example
 * textOfHex('6BEDB080') // 'k\udc00'
 * textOfHex('610062') // 'a\u0000b'
 */
export const textOfHex = (hex: string): string => {
  const bytes = bytesOf(hex)
  let text = ''
  let from = 0
  for (let i = 0; i + 2 < bytes.length; i++) {
    // 0xED is only ever a lead byte; followed by A0–BF and a continuation it is a surrogate.
    if (bytes[i] !== 0xed || bytes[i + 1]! < 0xa0 || (bytes[i + 2]! & 0xc0) !== 0x80) continue
    const unit = 0xd000 | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f)
    text += decoder.decode(bytes.subarray(from, i)) + String.fromCharCode(unit)
    i += 2
    from = i + 1
  }
  return text + decoder.decode(bytes.subarray(from))
}
