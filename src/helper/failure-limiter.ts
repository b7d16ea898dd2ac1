export interface FailureLimiterOptions {
  /** Failures a client may have within the window before it is refused. */
  max: number
  /** The sliding window, in milliseconds. */
  windowMs: number
  /**
   * Clients remembered at most; beyond it the one whose last failure is oldest is forgotten.
   * Bounds memory when a flood of addresses each fail once.
   */
  maxClients?: number
}

export interface FailureLimiter {
  /** Seconds until `key` may try again; 0 when it may try now. */
  retryAfter(key: string, now: number): number
  /** Records one failure of `key` at `now` (epoch milliseconds). */
  fail(key: string, now: number): void
  /** Clients currently remembered (for tests and metrics). */
  readonly size: number
}

const NONE: readonly number[] = []

/**
 * An in-memory sliding-window counter of failures per key (a client address). It holds no
 * timer and reads no clock: callers pass `now`, so tests drive it with the injected clock.
 * On Workers each isolate has its own; a Durable Object or KV would make it global.
 *
 * @example
 * const limiter = failureLimiter({ max: 10, windowMs: 5 * 60_000 })
 * limiter.fail('203.0.113.7', Date.now())
 * limiter.retryAfter('203.0.113.7', Date.now()) // 0 until the tenth failure, then seconds to wait
 */
export const failureLimiter = (options: FailureLimiterOptions): FailureLimiter => {
  const { max, windowMs, maxClients = 10_000 } = options
  // Per key, the times of its last `max` failures, oldest first. Map order = least recently
  // failed first, which is the eviction order.
  const failures = new Map<string, number[]>()

  const live = (key: string, now: number): readonly number[] => {
    // A client with no failures (every request with a good credential) allocates nothing.
    const all = failures.get(key)
    if (all === undefined) return NONE
    const times = all.filter((t) => t > now - windowMs)
    if (times.length === 0) failures.delete(key)
    return times
  }

  return {
    retryAfter(key, now) {
      const times = live(key, now)
      if (times.length < max) return 0
      // Refused until the oldest of the last `max` failures leaves the window.
      const oldest = times[times.length - max]!
      return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000))
    },
    fail(key, now) {
      const times = [...live(key, now), now].slice(-max)
      failures.delete(key)
      failures.set(key, times)
      while (failures.size > maxClients) {
        const first = failures.keys().next()
        if (first.done) break
        failures.delete(first.value)
      }
    },
    get size() {
      return failures.size
    },
  }
}
