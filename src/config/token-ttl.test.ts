import { describe, expect, it } from 'vitest'
import { parseContactTokenTtl } from './token-ttl.ts'

describe('parseContactTokenTtl', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['60', 60],
    ['3600', 3600],
    ['2592000', 2592000],
    [3600, 3600],
  ])('reads %j as %j', (value, seconds) => {
    expect(parseContactTokenTtl(value)).toBe(seconds)
  })

  it.each(['59', '2592001', '1.5', '-60', '1h', ' 60', '1e3', '0', 59, 1.5, true])(
    'refuses %j',
    (value) => {
      expect(() => parseContactTokenTtl(value)).toThrow(/CONTACT_TOKEN_TTL_SECONDS/)
    },
  )
})
