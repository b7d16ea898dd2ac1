import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { signer } from '../../helper/signer.ts'
import { type CognitoUserSession, USER_POOL } from '../../model/cognito.ts'
import type { CognitoUserRecord } from '../../store/cognito-users.ts'
import { POLICY } from './pool.ts'

/**
 * A new session for a confirmed user: id, access and refresh tokens signed with `TOKEN_SECRET`
 * (kinds `id`, `access`, `refresh`, so one is never accepted as another). `IssuedTime` and
 * `ExpirationTime` are exactly the id/access tokens' `iat` and `exp`.
 *
 * @example
 * const session = await issueSession(c, user, c.get('deps').clock())
 */
export const issueSession = async (
  c: Context<AppEnv>,
  user: CognitoUserRecord,
  now: Date,
): Promise<CognitoUserSession> => {
  const tokens = await signer(c)
  const sign = (kind: string, ttlSeconds: number, claims: Record<string, unknown> = {}) =>
    // A token id keeps two sessions issued in the same second distinct.
    tokens.sign(
      { sub: user.id, kind, aud: USER_POOL.ClientID, jti: c.get('deps').newId(), ...claims },
      now,
      ttlSeconds,
    )
  const [IdToken, AccessToken, RefreshToken] = await Promise.all([
    sign('id', POLICY.sessionTtlSeconds, { email: user.email, email_verified: true }),
    sign('access', POLICY.sessionTtlSeconds, { username: user.email }),
    sign('refresh', POLICY.refreshTtlSeconds),
  ])
  const issued = Math.floor(now.getTime() / 1000) * 1000
  return {
    IdToken,
    AccessToken,
    RefreshToken,
    ExpirationTime: new Date(issued + POLICY.sessionTtlSeconds * 1000).toISOString(),
    IssuedTime: new Date(issued).toISOString(),
  }
}
