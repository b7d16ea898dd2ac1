import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromBase64, fromBase64Url, toBase64Url } from './encoding.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe('fromBase64Url', () => {
  it('reads back the bytes toBase64Url wrote, and agrees with Node on every canonical text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = toBase64Url(bytes)
        expect(text).toBe(Buffer.from(bytes).toString('base64url'))
        expect(fromBase64Url(text)).toEqual(new Uint8Array(bytes))
      }),
    )
  })

  it('accepts only the one text toBase64Url writes for its bytes', () => {
    const text = fc.string({
      unit: fc.constantFrom(...ALPHABET, '=', '+', '/', '.', ' '),
      maxLength: 12,
    })
    fc.assert(
      fc.property(text, (candidate) => {
        let bytes: Uint8Array | undefined
        try {
          bytes = fromBase64Url(candidate)
        } catch {
          return
        }
        expect(toBase64Url(bytes)).toBe(candidate)
      }),
    )
  })

  it.each([
    ['padding', 'AQI='],
    ['padding on a whole group', 'AQID===='],
    ['the standard alphabet', 'a+b/'],
    ['a space', 'AQ I'],
    ['a length no bytes have', 'AQIDB'],
    ['set bits past the last byte (2 characters)', 'AR'],
    ['set bits past the last bytes (3 characters)', 'AQJ'],
    ['a character outside the alphabet', 'AQé'],
  ])('throws on %s', (_, text) => {
    expect(() => fromBase64Url(text)).toThrow()
  })

  it('reads the texts of one, two and three bytes', () => {
    expect(fromBase64Url('')).toEqual(new Uint8Array())
    expect(fromBase64Url('_w')).toEqual(new Uint8Array([255]))
    expect(fromBase64Url('AQI')).toEqual(new Uint8Array([1, 2]))
    expect(fromBase64Url('-_-_')).toEqual(new Uint8Array([251, 255, 191]))
  })
})

describe('fromBase64', () => {
  it('reads a configured key in either alphabet, padded or not', () => {
    const key = new Uint8Array([0xfb, 0xff, 0xbf, 1])
    for (const text of ['+/+/AQ==', '+/+/AQ', '-_-_AQ']) expect(fromBase64(text)).toEqual(key)
    expect(() => fromBase64('not base64!')).toThrow()
  })
})
