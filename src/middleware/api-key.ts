import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { secretSet, type SecretSet } from '../crypto/constant-time.ts'
import { hex, utf8 } from '../crypto/encoding.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { requireSecrets } from './require-secrets.ts'

/**
 * Cognigy-style authentication: the `X-API-Key` header must be one of `API_KEYS`, compared in
 * constant time. The caller becomes `apikey:<fingerprint>` (the first 12 hex digits of the
 * key's SHA-256), which is what `createdBy` records — never the key itself.
 */
export const apiKey = (): MiddlewareHandler<AppEnv> => {
  let keys: Promise<{ set: SecretSet; fingerprints: string[] }> | undefined
  return async (c, next) => {
    const secrets = requireSecrets(c)
    keys ??= (async () => ({
      set: await secretSet(secrets.apiKeys),
      fingerprints: await Promise.all(
        secrets.apiKeys.map(async (k) =>
          hex(await crypto.subtle.digest('SHA-256', utf8(k))).slice(0, 12),
        ),
      ),
    }))()
    const presented = c.req.header('X-API-Key')
    const { set, fingerprints } = await keys
    const index = presented ? await set.match(presented) : -1
    if (index < 0) {
      throw new ProblemError(
        'unauthorized',
        presented ? 'The X-API-Key is not valid.' : 'An X-API-Key header is required.',
        { headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' } },
      )
    }
    c.set('principal', `apikey:${fingerprints[index]}`)
    await next()
  }
}
