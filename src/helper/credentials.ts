import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { fingerprint, secretSet, type SecretSet } from '../crypto/constant-time.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { perApp } from './per-app.ts'

interface Checker {
  set: SecretSet
  fingerprints: string[]
}

const build = (secrets: readonly string[]): Checker => ({
  set: secretSet(secrets),
  fingerprints: secrets.map(fingerprint),
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
 * matchCredential(c, 'orgTokens', bearerToken(c) ?? '') // '3f9a0c1b2d4e' or undefined
 */
export const matchCredential = (
  c: Context<AppEnv>,
  kind: CredentialKind,
  presented: string,
): string | undefined => {
  const { set, fingerprints } = checkers[kind](c)
  const index = set.match(presented)
  return index < 0 ? undefined : fingerprints[index]
}
