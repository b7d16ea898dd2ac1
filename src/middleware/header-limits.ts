import { ProblemError } from '../problems/problem-error.ts'
import type { Guard } from './guards.ts'

/** Every request header the gateway reads (negotiation, bodies, credentials, CORS, clients). */
export const READ_HEADERS = [
  'Accept',
  'Content-Type',
  'X-API-Key',
  'Authorization',
  'Origin',
  'X-Forwarded-For',
  'CF-Connecting-IP',
] as const

/**
 * Refuses a request whose header the gateway reads is longer than `limits.headerBytes` (4 KiB
 * by default) with a 431 problem naming the header. No client needs more, and it bounds the
 * work of parsing, hashing and comparing attacker-sized values. Header values are byte
 * strings, so `length` is their size in bytes.
 *
 * @example
 * app.use(guards(headerLimits))
 */
export const headerLimits: Guard = (c) => {
  const max = c.get('limits').headerBytes
  for (const name of READ_HEADERS) {
    const length = c.req.header(name)?.length ?? 0
    if (length > max) {
      throw new ProblemError('headerTooLarge', `The ${name} header is longer than ${max} bytes.`, {
        details: { header: name, maxBytes: max },
      })
    }
  }
}
