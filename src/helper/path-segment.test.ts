import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pathSegment } from './path-segment.ts'

const outcome = (f: () => string): string => {
  try {
    return f()
  } catch (error) {
    return `threw ${(error as Error).name}`
  }
}

describe('pathSegment', () => {
  it('is encodeURIComponent for any text, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(outcome(() => pathSegment(value))).toBe(outcome(() => encodeURIComponent(value)))
      }),
      { numRuns: 2000 },
    )
    // Mostly characters at the edge of the set left as is, so whole strings of them are common.
    const edge = fc.constantFrom(...`aZ09-_.~!*'()$&+,/:;=?@#[] %"<>^\`{|}é`)
    fc.assert(
      fc.property(fc.string({ unit: edge, maxLength: 4 }), (value) => {
        expect(pathSegment(value)).toBe(encodeURIComponent(value))
      }),
      { numRuns: 3000 },
    )
  })

  it('leaves ids and unreserved characters as they are, and encodes the rest', () => {
    expect(pathSegment('6740a1c2f3e4d5c6b7a89012')).toBe('6740a1c2f3e4d5c6b7a89012')
    expect(pathSegment("A-z_0.9~!*'()")).toBe("A-z_0.9~!*'()")
    expect(pathSegment('a/b c?d#e%')).toBe('a%2Fb%20c%3Fd%23e%25')
    expect(pathSegment('é')).toBe('%C3%A9')
    expect(() => pathSegment('id\uD800')).toThrow(URIError)
  })
})
