import { describe, expect, it } from 'vitest'
import { fingerprint, secretSet, timingSafeEqualText } from './constant-time.ts'

describe('secretSet', () => {
  it('returns the index of the secret presented, the first when one is configured twice', () => {
    const set = secretSet(['key-one', 'key-two', 'key-one'])
    expect(set.match('key-two')).toBe(1)
    expect(set.match('key-one')).toBe(0)
  })

  it('returns -1 for a value that is no secret: a prefix, a longer value, empty, other case', () => {
    const set = secretSet(['key-one'])
    for (const presented of ['key-', 'key-one ', '', 'KEY-ONE', 'key-onf']) {
      expect(set.match(presented)).toBe(-1)
    }
  })

  it('tells apart secrets that differ only in a non-ASCII character', () => {
    expect(secretSet(['schlüssel']).match('schlüssel')).toBe(0)
    expect(secretSet(['schlüssel']).match('schlussel')).toBe(-1)
  })
})

describe('fingerprint', () => {
  it("is the first 12 hex digits of the secret's SHA-256", () => {
    expect(fingerprint('abc')).toBe('ba7816bf8f01')
  })
})

describe('timingSafeEqualText', () => {
  it('is true only for equal texts', () => {
    expect(timingSafeEqualText('123456', '123456')).toBe(true)
    expect(timingSafeEqualText('123456', '123457')).toBe(false)
    expect(timingSafeEqualText('123456', '1234567')).toBe(false)
  })
})
