import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { limitAuthFailures } from '../helper/auth-failures.ts'
import { bearerProblem, bearerToken } from '../helper/bearer.ts'
import { verifyContactToken } from '../helper/contact-token.ts'

const PREFIX = 'contact:'

/**
 * open.cx contact authentication: `Authorization: Bearer <contact token>` as issued by
 * authenticate-user. Expired, forged and organisation tokens are a 401 with
 * `error="invalid_token"`. The caller becomes `contact:<id>`.
 *
 * A token the gateway did not sign (forged, altered, another kind) counts against the client's
 * failure budget, as a wrong organisation token does, and once it is spent such tokens get a
 * 429. An expired token does not count: it was the gateway's own, and the widget users behind
 * one NAT retrying with expired tokens must not lock each other out. Nor is a signed token
 * refused while the budget is spent: an HMAC cannot be guessed, so it tells a guesser nothing.
 */
export const contactToken = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearerToken(c)
  if (!token) {
    throw bearerProblem('An Authorization: Bearer header with a contact token is required.')
  }
  const result = await verifyContactToken(c, token)
  if (!result.ok && result.reason === 'expired') {
    throw bearerProblem(
      'The contact token has expired; authenticate the contact again.',
      'invalid_token',
    )
  }
  if (!result.ok) {
    // A 401 counted against the budget, or a 429 once it is spent: it never returns.
    return limitAuthFailures(c, () => {
      throw bearerProblem('The bearer token is not a valid contact token.', 'invalid_token')
    })
  }
  c.set('principal', `${PREFIX}${result.claims.sub}`)
  await next()
}

/**
 * The contact id of a request that passed `contactToken()`.
 *
 * @example
 * const contact = await c.get('deps').store.contacts.get(contactIdOf(c))
 */
export const contactIdOf = (c: Context<AppEnv>): string => {
  const principal = c.get('principal')
  if (!principal?.startsWith(PREFIX)) throw new Error('contactToken() must run before this handler')
  return principal.slice(PREFIX.length)
}
