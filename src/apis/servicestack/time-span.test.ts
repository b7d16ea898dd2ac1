import { describe, expect, it } from 'vitest'
import { timeSpan } from './time-span.ts'

describe('timeSpan', () => {
  it.each([
    [0, '00:00:00.0000000'],
    [1.2345, '00:00:00.0012345'],
    [0.00004, '00:00:00.0000000'],
    [0.00005, '00:00:00.0000001'],
    [59_999.99999, '00:01:00.0000000'],
    [3_723_004.5, '01:02:03.0045000'],
    [90_061_001, '1.01:01:01.0010000'],
    [-5, '00:00:00.0000000'],
  ])('writes %s ms as %s', (ms, text) => {
    expect(timeSpan(ms)).toBe(text)
  })
})
