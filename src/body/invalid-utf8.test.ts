import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { invalidUtf8At } from './invalid-utf8.ts'

const strict = new TextDecoder('utf-8', { fatal: true })
const decodes = (bytes: Uint8Array): boolean => {
  try {
    strict.decode(bytes)
    return true
  } catch {
    return false
  }
}

describe('invalidUtf8At', () => {
  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a lead byte and no continuation', [0x61, 0x62, 0xc3], 2],
    ['a lead byte and ASCII', [0xc3, 0x28], 0],
    ['an overlong slash', [0x2f, 0xc0, 0xaf], 1],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['an encoded surrogate', [0x41, 0xed, 0xa0, 0x80], 1],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a byte no sequence starts with', [0x7b, 0xff], 1],
  ])('finds %s', (_, bytes, at) => {
    expect(invalidUtf8At(new Uint8Array(bytes))).toBe(at)
  })

  it('finds nothing in text that was encoded, however unusual', () => {
    const text = 'a é € 𝄞 \uFFFD \uFEFF \u0000 \uD7FF \uE000 \u{10FFFF}'
    expect(invalidUtf8At(new TextEncoder().encode(text))).toBe(-1)
  })

  it('agrees with a strict decoder, and everything before what it finds decodes', () => {
    // Mostly bytes near the edges of the well-formed ranges, where the rules are.
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 0xff }),
      fc.constantFrom(0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf),
      fc.constantFrom(0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff),
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.array(byte, { maxLength: 12 }), (a, b) => {
        const bytes = new Uint8Array([...a, ...b])
        const at = invalidUtf8At(bytes)
        expect(at === -1).toBe(decodes(bytes))
        if (at >= 0) expect(decodes(bytes.subarray(0, at))).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })
})
