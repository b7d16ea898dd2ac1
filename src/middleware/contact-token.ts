import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { bearerProblem, bearerToken } from '../helper/bearer.ts'
import { verifyContactToken } from '../helper/contact-token.ts'
import { demanding } from './security-scheme.ts'

const PREFIX = 'contact:'

/**
 * open.cx contact authentication: `Authorization: Bearer <contact token>` as issued by
 * authenticate-user. Expired, forged and organisation tokens are a 401 with
 * `error="invalid_token"`. The caller becomes `contact:<id>`.
 *
 * Failures here do not count against the client's failure budget: an HMAC cannot be guessed,
 * and the widget users behind one NAT retrying with expired tokens must not lock each other out.
 */
export const contactToken = (): MiddlewareHandler<AppEnv> =>
  demanding('contactToken', async (c, next) => {
    const token = bearerToken(c)
    if (!token) {
      throw bearerProblem('An Authorization: Bearer header with a contact token is required.')
    }
    const result = await verifyContactToken(c, token)
    if (!result.ok) {
      throw bearerProblem(
        result.reason === 'expired'
          ? 'The contact token has expired; authenticate the contact again.'
          : 'The bearer token is not a valid contact token.',
        'invalid_token',
      )
    }
    c.set('principal', `${PREFIX}${result.claims.sub}`)
    await next()
  })

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
