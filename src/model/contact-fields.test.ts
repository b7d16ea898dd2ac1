import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { AvatarUrl, Name, Phone } from './contact-fields.ts'

describe('Phone', () => {
  it('accepts exactly the texts that are E.164 once spaces, dots, dashes and parentheses go', () => {
    const any = fc.string({ unit: fc.constantFrom(...'0123456789+ ().-x\t'), maxLength: 24 })
    // Mostly numbers of about the right length, separated as people write them.
    const separator = fc.constantFrom('', '', ' ', '-', '.', '(', ')')
    const digits = fc.array(fc.tuple(separator, fc.constantFrom(...'0123456789')), {
      minLength: 5,
      maxLength: 17,
    })
    const written = fc
      .tuple(separator, fc.constantFrom('+', '+', '', '++'), digits, separator)
      .map(([lead, plus, rest, tail]) => lead + plus + rest.flat().join('') + tail)
    const text = fc.oneof(any, written)
    fc.assert(
      fc.property(text, (phone) => {
        const canonical = phone.replace(/[\s().-]/g, '')
        const result = v.safeParse(Phone, phone)
        expect(result.success).toBe(/^\+[1-9]\d{6,14}$/.test(canonical))
        if (result.success) expect(result.output).toBe(canonical)
      }),
      { numRuns: 2000 },
    )
  })

  it('stores +1 (234) 567-890 as +1234567890', () => {
    expect(v.parse(Phone, '+1 (234) 567-890')).toBe('+1234567890')
  })
})

describe('AvatarUrl', () => {
  it('accepts an address with a non-ASCII host however often it is checked', () => {
    // URL.canParse turns false for such a host once V8 optimises it (Node 20 and 22).
    let refused = 0
    for (let i = 0; i < 20_000; i++)
      if (!v.safeParse(AvatarUrl, 'https://bücher.example/ü').success) refused++
    expect(refused).toBe(0)
  })

  it.each(['not a url', 'https://', 'javascript:alert(1)'])('refuses %j', (url) => {
    expect(v.safeParse(AvatarUrl, url).success).toBe(false)
  })
})

describe('Name', () => {
  it('counts characters as JSON Schema does: 256 emoji fit its maxLength of 256', () => {
    expect(v.safeParse(Name, '😀'.repeat(256)).success).toBe(true)
    expect(v.safeParse(Name, '😀'.repeat(257)).success).toBe(false)
    expect(v.safeParse(Name, 'x'.repeat(257)).success).toBe(false)
    // A lone surrogate counts as one, as a code point does.
    expect(v.safeParse(Name, `${'x'.repeat(255)}\ud800`).success).toBe(true)
  })
})
