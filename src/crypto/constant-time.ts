import { hash } from 'node:crypto'

// SHA-256 in one synchronous call (`node:crypto`'s `hash`, also in workerd with
// `nodejs_compat`). `crypto.subtle.digest` queues a job on another thread per call, and
// `createHash` builds a native-backed Hash object per call that the collector must finalise:
// either cost more than the rest of an authenticated read.
const digest = (text: string): Buffer => hash('sha256', text, 'buffer')

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0)
  return diff === 0
}

/** A set of secrets that presented values are checked against in constant time. */
export interface SecretSet {
  /** The index of the secret `presented` is, or -1 when it is none of them. */
  match(presented: string): number
}

/**
 * A set of secrets that a presented value is checked against in constant time: both sides are
 * hashed to a fixed length first, and every secret is compared, so neither the length nor the
 * position of a match leaks through timing.
 *
 * @example
 * const keys = secretSet(['k1', 'k2'])
 * keys.match('k2') // 1 (the index), or -1
 */
export const secretSet = (secrets: readonly string[]): SecretSet => {
  const digests = secrets.map(digest)
  return {
    match(presented) {
      const candidate = digest(presented)
      let found = -1
      digests.forEach((d, i) => {
        if (equalBytes(d, candidate) && found === -1) found = i
      })
      return found
    },
  }
}

/** Compares two strings in constant time (for codes and signatures). */
export const timingSafeEqualText = (a: string, b: string): boolean =>
  equalBytes(digest(a), digest(b))

/** The first 12 hex digits of a secret's SHA-256: names a credential without showing it. */
export const fingerprint = (secret: string): string => digest(secret).toString('hex', 0, 6)
