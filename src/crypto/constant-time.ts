import { createHash } from 'node:crypto'

// The same SHA-256 as WebCrypto's, but synchronous (`node:crypto`, also in workerd with
// `nodejs_compat`): `crypto.subtle.digest` queues a job on another thread per call, which cost
// more than the rest of an authenticated read.
const digest = async (text: string): Promise<Uint8Array> =>
  createHash('sha256').update(text, 'utf8').digest()

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0)
  return diff === 0
}

/**
 * A set of secrets that a presented value is checked against in constant time: both sides are
 * hashed to a fixed length first, and every secret is compared, so neither the length nor the
 * position of a match leaks through timing.
 *
 * @example
 * const keys = await secretSet(['k1', 'k2'])
 * await keys.match('k2') // 1 (the index), or -1
 */
export const secretSet = async (secrets: readonly string[]) => {
  const digests = await Promise.all(secrets.map(digest))
  return {
    async match(presented: string): Promise<number> {
      const candidate = await digest(presented)
      let found = -1
      digests.forEach((d, i) => {
        if (equalBytes(d, candidate) && found === -1) found = i
      })
      return found
    },
  }
}

export type SecretSet = Awaited<ReturnType<typeof secretSet>>

/** Compares two strings in constant time (for codes and signatures). */
export const timingSafeEqualText = async (a: string, b: string): Promise<boolean> =>
  equalBytes(await digest(a), await digest(b))
