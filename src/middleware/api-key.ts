import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { limitAuthFailures } from '../helper/auth-failures.ts'
import { matchCredential } from '../helper/credentials.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { requireSecrets } from './require-secrets.ts'
import { demanding } from './security-scheme.ts'

const challenge = { headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' } }

/**
 * Cognigy-style authentication: the `X-API-Key` header must be one of `API_KEYS`, compared in
 * constant time. The caller becomes `apikey:<fingerprint>` (the first 12 hex digits of the
 * key's SHA-256), which is what `createdBy` records — never the key itself. Wrong keys count
 * against the client's failure budget (429 once spent); a missing key is not a guess and does
 * not.
 */
export const apiKey = (): MiddlewareHandler<AppEnv> =>
  demanding('apiKey', async (c, next) => {
    requireSecrets(c) // a 500 "not configured" before anything else
    const presented = c.req.header('X-API-Key')
    if (!presented) {
      throw new ProblemError('unauthorized', 'An X-API-Key header is required.', challenge)
    }
    const fingerprint = limitAuthFailures(c, () => {
      const found = matchCredential(c, 'apiKeys', presented)
      if (!found) throw new ProblemError('unauthorized', 'The X-API-Key is not valid.', challenge)
      return found
    })
    c.set('principal', `apikey:${fingerprint}`)
    await next()
  })
