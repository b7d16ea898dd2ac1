import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { limitAuthFailures } from '../helper/auth-failures.ts'
import { bearerProblem, bearerToken } from '../helper/bearer.ts'
import { matchCredential } from '../helper/credentials.ts'
import { demanding } from './security-scheme.ts'

/**
 * open.cx organisation authentication: `Authorization: Bearer <token>` must be one of
 * `ORG_TOKENS`, compared in constant time. The caller becomes `org:<fingerprint>`, never the
 * token itself. A contact token is not an organisation token: it is refused here. Wrong tokens
 * count against the client's failure budget (429 once spent), as wrong API keys do.
 */
export const orgToken = (): MiddlewareHandler<AppEnv> =>
  demanding('orgToken', async (c, next) => {
    const token = bearerToken(c)
    if (!token) {
      throw bearerProblem('An Authorization: Bearer header with an organisation token is required.')
    }
    const fingerprint = limitAuthFailures(c, () => {
      const found = matchCredential(c, 'orgTokens', token)
      if (found === undefined) {
        throw bearerProblem('The bearer token is not a valid organisation token.', 'invalid_token')
      }
      return found
    })
    c.set('principal', `org:${fingerprint}`)
    await next()
  })
