/**
 * The encoding a body's byte order mark names when it is not UTF-8's: UTF-32 is tested first,
 * since its little-endian mark starts with UTF-16's.
 *
 * @example
 * foreignByteOrderMark(new Uint8Array([0xff, 0xfe, 0x3c, 0x00])) // 'UTF-16LE'
 * foreignByteOrderMark(new TextEncoder().encode('\uFEFF{}')) // undefined (UTF-8)
 */
export const foreignByteOrderMark = (bytes: Uint8Array): string | undefined => {
  const [a, b, c, d] = bytes
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'UTF-32BE'
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'UTF-32LE'
  if (a === 0xfe && b === 0xff) return 'UTF-16BE'
  if (a === 0xff && b === 0xfe) return 'UTF-16LE'
  return undefined
}
