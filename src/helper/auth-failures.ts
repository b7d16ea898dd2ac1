import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { cfConnectingIp, networkOf } from './client-address.ts'
import { failureLimiter } from './failure-limiter.ts'
import { perApp } from './per-app.ts'

// One limiter per app, created on first use with that app's limits.
const limiterOf = perApp((c) =>
  failureLimiter({
    max: c.get('limits').authFailures,
    windowMs: c.get('limits').authFailureWindowSeconds * 1000,
  }),
)

/** The key this request's client is counted under (`unknown` when the runtime cannot tell). */
export const clientKeyOf = (c: Context<AppEnv>): string => {
  const address = (c.get('deps').clientAddress ?? cfConnectingIp)(c)
  return address ? networkOf(address) : 'unknown'
}

/**
 * Runs a credential check under the client's failure budget (by default 10 failures in 5
 * minutes per client address). A client over budget gets a 429 with `Retry-After` before
 * `check` runs — even with a valid credential, so guessing learns nothing while refused. A
 * `check` that throws an `unauthorized` ProblemError counts as one failure. Call it only once
 * a credential was presented: a missing one is not a guess.
 *
 * @example
 * const index = limitAuthFailures(c, () => {
 *   const i = keys.match(presented)
 *   if (i < 0) throw new ProblemError('unauthorized', 'The token is not valid.')
 *   return i
 * })
 */
export const limitAuthFailures = <T>(c: Context<AppEnv>, check: () => T): T => {
  const limiter = limiterOf(c)
  const client = clientKeyOf(c)
  const now = c.get('deps').clock().getTime()
  const wait = limiter.retryAfter(client, now)
  if (wait > 0) {
    c.get('deps').logger.warn('authentication refused: too many failures', {
      traceId: c.get('traceId'),
      client,
    })
    throw new ProblemError(
      'tooManyRequests',
      `Too many failed authentications from this client; retry in ${wait} seconds.`,
      { headers: { 'Retry-After': String(wait) }, details: { retryAfterSeconds: wait } },
    )
  }
  try {
    return check()
  } catch (error) {
    if (error instanceof ProblemError && error.kind === 'unauthorized') {
      limiter.fail(client, now)
      c.get('deps').logger.warn('authentication failed', { traceId: c.get('traceId'), client })
    }
    throw error
  }
}
