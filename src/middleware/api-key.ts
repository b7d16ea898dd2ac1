import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { secretSet, type SecretSet } from '../crypto/constant-time.ts'
import { hex, utf8 } from '../crypto/encoding.ts'
import { limitAuthFailures } from '../helper/auth-failures.ts'
import { perApp } from '../helper/per-app.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { requireSecrets } from './require-secrets.ts'

interface Keys {
  set: SecretSet
  fingerprints: string[]
}

// Per app, so two apps in one process (tests, or a reconfigured Worker) never share the key set
// the first of them hashed.
const keysOf = perApp(async (c): Promise<Keys> => {
  const { apiKeys } = requireSecrets(c)
  return {
    set: await secretSet(apiKeys),
    fingerprints: await Promise.all(
      apiKeys.map(async (k) => hex(await crypto.subtle.digest('SHA-256', utf8(k))).slice(0, 12)),
    ),
  }
})

const challenge = { headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' } }

/**
 * Cognigy-style authentication: the `X-API-Key` header must be one of `API_KEYS`, compared in
 * constant time. The caller becomes `apikey:<fingerprint>` (the first 12 hex digits of the
 * key's SHA-256), which is what `createdBy` records — never the key itself. Wrong keys count
 * against the client's failure budget (429 once spent); a missing key is not a guess and does
 * not.
 */
export const apiKey = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  requireSecrets(c) // a 500 "not configured" before anything else
  const { set, fingerprints } = await keysOf(c)
  const presented = c.req.header('X-API-Key')
  if (!presented) {
    throw new ProblemError('unauthorized', 'An X-API-Key header is required.', challenge)
  }
  const index = await limitAuthFailures(c, async () => {
    const found = await set.match(presented)
    if (found < 0) throw new ProblemError('unauthorized', 'The X-API-Key is not valid.', challenge)
    return found
  })
  c.set('principal', `apikey:${fingerprints[index]}`)
  await next()
}
