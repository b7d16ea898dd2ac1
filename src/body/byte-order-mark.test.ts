import { describe, expect, it } from 'vitest'
import { foreignByteOrderMark } from './byte-order-mark.ts'

describe('foreignByteOrderMark', () => {
  it.each([
    [[0xfe, 0xff, 0x00, 0x3c], 'UTF-16BE'],
    [[0xff, 0xfe, 0x3c, 0x00], 'UTF-16LE'],
    [[0x00, 0x00, 0xfe, 0xff], 'UTF-32BE'],
    [[0xff, 0xfe, 0x00, 0x00], 'UTF-32LE'],
    [[0xef, 0xbb, 0xbf, 0x3c], undefined],
    [[0x3c], undefined],
  ])('names the encoding of %j', (mark, encoding) => {
    expect(foreignByteOrderMark(new Uint8Array(mark))).toBe(encoding)
  })
})
