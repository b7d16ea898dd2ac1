import { describe, expect, it } from 'vitest'
import { failureLimiter } from './failure-limiter.ts'

const MINUTE = 60_000

describe('failureLimiter', () => {
  it('allows until the max-th failure, then tells how long to wait', () => {
    const limiter = failureLimiter({ max: 3, windowMs: 5 * MINUTE })
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a', 0)).toBe(0)
      limiter.fail('a', i * 1000)
    }
    expect(limiter.retryAfter('a', 3000)).toBe(297)
    expect(limiter.retryAfter('b', 3000)).toBe(0)
  })

  it('forgets failures older than the window', () => {
    const limiter = failureLimiter({ max: 2, windowMs: MINUTE })
    limiter.fail('a', 0)
    limiter.fail('a', 30_000)
    expect(limiter.retryAfter('a', 59_999)).toBe(1)
    expect(limiter.retryAfter('a', 60_000)).toBe(0)
    expect(limiter.retryAfter('a', 90_000)).toBe(0)
    expect(limiter.size).toBe(0)
  })

  it('never asks for less than one second while refusing', () => {
    const limiter = failureLimiter({ max: 1, windowMs: 1000 })
    limiter.fail('a', 0)
    expect(limiter.retryAfter('a', 999)).toBe(1)
  })

  it('keeps at most maxClients, forgetting the one that failed longest ago', () => {
    const limiter = failureLimiter({ max: 1, windowMs: MINUTE, maxClients: 2 })
    limiter.fail('a', 0)
    limiter.fail('b', 1)
    limiter.fail('a', 2)
    limiter.fail('c', 3)
    expect(limiter.size).toBe(2)
    expect(limiter.retryAfter('b', 4)).toBe(0)
    expect(limiter.retryAfter('a', 4)).toBeGreaterThan(0)
    expect(limiter.retryAfter('c', 4)).toBeGreaterThan(0)
  })

  it('stays bounded under a flood of one-off clients', () => {
    const limiter = failureLimiter({ max: 10, windowMs: MINUTE, maxClients: 1000 })
    for (let i = 0; i < 50_000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`, i)
    expect(limiter.size).toBe(1000)
  })
})
