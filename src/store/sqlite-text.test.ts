import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textOfHex } from './sqlite-text.ts'

const hexOf = (bytes: Iterable<number>) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')

describe('textOfHex', () => {
  it('reads the UTF-8 of any well-formed text as that text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(textOfHex(hexOf(new TextEncoder().encode(text)))).toBe(text)
      }),
    )
  })

  it.each([
    ['a lone low surrogate', '6BEDB080', 'k\udc00'],
    ['a lone high surrogate at the end', '78EDA080', 'x\ud800'],
    ['two in a row, then text', 'EDBFBFEDA0807A', '\udfff\ud800z'],
    ['a NUL', '610062', 'a\u0000b'],
    ['a pair SQLite joined into four bytes', 'F09F9880', '😀'],
    ['a leading U+FEFF, which is part of the key', 'EFBBBF626F6D', '\ufeffbom'],
    ['a U+FEFF after a lone surrogate', 'EDB080EFBBBF', '\udc00\ufeff'],
  ])('gives %s as the code unit JSON.parse gives for its escape', (_, hex, text) => {
    expect(textOfHex(hex)).toBe(text)
  })

  it('reads other bytes that are not UTF-8 as U+FFFD, never failing', () => {
    expect(textOfHex('61FF62')).toBe('a\uFFFDb')
    expect(textOfHex('ED')).toBe('\uFFFD')
    expect(textOfHex('')).toBe('')
  })
})
