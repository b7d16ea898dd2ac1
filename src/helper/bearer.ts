import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { ProblemError } from '../problems/problem-error.ts'

// RFC 6750 §2.1: the scheme is case-insensitive, the credentials a token68.
const TOKEN68 = '[\\w\\-.~+/]+=*'
const BEARER = new RegExp(`^Bearer +(${TOKEN68}) *$`, 'i')
const WHOLE_TOKEN68 = new RegExp(`^${TOKEN68}$`)

/**
 * Whether a token can travel in `Authorization: Bearer` (a token68: letters, digits,
 * `-._~+/`, then `=` only at the end). A configured token that cannot is refused at start:
 * no request could ever present it.
 *
 * @example
 * isToken68('org_3kTq-x.y~z/+==') // true
 * isToken68('org!token:with#chars1234') // false
 */
export const isToken68 = (token: string): boolean => WHOLE_TOKEN68.test(token)

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined when there is none (or
 * the header carries another scheme).
 *
 * @example
 * bearerToken(c) // 'org_3kTq…' for `Authorization: Bearer org_3kTq…`
 */
export const bearerToken = (c: Context<AppEnv>): string | undefined =>
  BEARER.exec(c.req.header('Authorization') ?? '')?.[1]

/**
 * The 401 problem of the open.cx routes with its RFC 6750 challenge: no error code when no
 * token was presented, `invalid_token` when one was and it is wrong, forged or expired.
 *
 * @example
 * throw bearerProblem('The contact token has expired.', 'invalid_token')
 */
export const bearerProblem = (detail: string, error?: 'invalid_token'): ProblemError =>
  new ProblemError('unauthorized', detail, {
    headers: {
      'WWW-Authenticate': `Bearer realm="open.cx"${error ? `, error="${error}"` : ''}`,
    },
  })
