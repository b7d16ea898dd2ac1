import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { secretSet, type SecretSet } from '../crypto/constant-time.ts'
import { hex, utf8 } from '../crypto/encoding.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { perApp } from './per-app.ts'

interface Checker {
  set: SecretSet
  fingerprints: string[]
}

/** The first 12 hex digits of a secret's SHA-256: names a credential without showing it. */
export const fingerprint = async (secret: string): Promise<string> =>
  hex(await crypto.subtle.digest('SHA-256', utf8(secret))).slice(0, 12)

const build = async (secrets: readonly string[]): Promise<Checker> => ({
  set: await secretSet(secrets),
  fingerprints: await Promise.all(secrets.map(fingerprint)),
})

const checkers = {
  apiKeys: perApp((c) => build(requireSecrets(c).apiKeys)),
  orgTokens: perApp((c) => build(requireSecrets(c).orgTokens)),
}

/** The configured credential lists a caller may present. */
export type CredentialKind = keyof typeof checkers

/**
 * Which configured credential of a kind the presented value is, compared in constant time:
 * its fingerprint, or undefined when it is none of them.
 *
 * @example
 * await matchCredential(c, 'orgTokens', bearerToken(c) ?? '') // '3f9a0c1b2d4e' or undefined
 */
export const matchCredential = async (
  c: Context<AppEnv>,
  kind: CredentialKind,
  presented: string,
): Promise<string | undefined> => {
  const { set, fingerprints } = await checkers[kind](c)
  const index = await set.match(presented)
  return index < 0 ? undefined : fingerprints[index]
}
