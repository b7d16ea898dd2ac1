import type { CognitoUser } from '../../model/cognito.ts'
import type { CognitoUserRecord } from '../../store/cognito-users.ts'

/** The one user pool this gateway plays; every user belongs to it. */
export const USER_POOL = { PoolID: 'us-east-1_ConnegGw1', ClientID: 'conneggatewayservicestack1' }

/**
 * The pool's limits. All times run on the injected clock.
 *
 * - A code expires 15 minutes after it was sent; a new code replaces the pending one.
 * - A code allows 5 attempts; the sixth is refused (429) even with the right code.
 * - An address gets at most 5 codes per 15-minute window, the window starting at the first
 *   send after the previous window ended; the sixth is refused (429 with `Retry-After`).
 * - Sessions: the id and access tokens live 1 hour, the refresh token 30 days.
 */
export const POLICY = {
  codeTtlMs: 15 * 60_000,
  maxAttempts: 5,
  maxSends: 5,
  sendWindowMs: 15 * 60_000,
  sessionTtlSeconds: 3600,
  refreshTtlSeconds: 30 * 24 * 3600,
} as const

/**
 * The attributes a new user starts with; confirming sets `email_verified` to `'true'`.
 *
 * @example
 * newUserAttributes('ada@example.com') // { email: 'ada@example.com', email_verified: 'false' }
 */
export const newUserAttributes = (email: string): Record<string, string> => ({
  email,
  email_verified: 'false',
})

/**
 * A stored user as the pool presents it: Username is the (lowercased) address.
 *
 * @example
 * toCognitoUser(record) // { UserID, Username: 'a@example.com', UserPool: USER_POOL, Status: 'UNCONFIRMED', ... }
 */
export const toCognitoUser = (record: CognitoUserRecord): CognitoUser => ({
  UserID: record.id,
  Username: record.email,
  UserPool: { ...USER_POOL },
  ClientID: USER_POOL.ClientID,
  Status: record.status,
  Attributes: record.attributes,
  Settings: record.settings,
})
