import { type CognitoUser, USER_POOL } from '../../model/cognito.ts'
import type { CognitoUserRecord } from '../../store/cognito-users.ts'

/**
 * The pool's limits. All times run on the injected clock.
 *
 * - A code expires 15 minutes after it was sent; a new code replaces the pending one.
 * - A code allows 5 attempts; the sixth is refused (429) even with the right code.
 * - Sends are counted per address and client network (an IPv4 address, an IPv6 /64, as the
 *   failure budget counts clients), and per address over all networks, each in 15-minute
 *   windows that start at the first send after the previous window ended, refunded or not.
 *   An address gets at most 5 codes per window from one network and 20 over all networks; the
 *   next is refused (429 with `Retry-After`). Five is more than a user retrying from one
 *   device needs, and a caller can spend only its own network's five, never the user's.
 *   Twenty bounds the mail an address gets however many networks ask (at most 80 an hour);
 *   using it up for everyone takes sends from four networks (SECURITY.md, known limits). A
 *   send the sender surely did not deliver is withdrawn and counts against neither, but one
 *   network is issued at most 20 sends per address in its window, withdrawn ones included:
 *   while the webhook refuses every code, a caller looping sends to an address calls it, and
 *   holds the address against the user's own send, that often and no more.
 * - One send per address at a time: while a code's delivery is in flight, another send to the
 *   address is refused (429 with `Retry-After`). A send holds the address at most for the
 *   sender's longest delivery (`CodeSender.maxMs`; 60 s when it does not say) and a margin
 *   of 10 s for the store's writes around it, so a process that dies mid-send never holds
 *   it longer.
 * - Sessions: the id and access tokens live 1 hour, the refresh token 30 days.
 */
export const POLICY = {
  codeTtlMs: 15 * 60_000,
  maxAttempts: 5,
  maxSendsPerNetwork: 5,
  maxSendsPerAddress: 20,
  maxIssuedPerNetwork: 20,
  sendWindowMs: 15 * 60_000,
  defaultDeliveryMs: 60_000,
  sendingMarginMs: 10_000,
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
