import { first, run, type SqlDatabase, sql } from './sql.ts'

export type CognitoStatus = 'UNCONFIRMED' | 'CONFIRMED'

/** A stored Cognito user; `email` is lowercased. */
export interface CognitoUserRecord {
  id: string
  email: string
  status: CognitoStatus
  attributes: Record<string, string>
  settings: Record<string, string>
}

/** A user's code row: the pending code's hash (null once used) and the send-rate window. */
export interface CodeState {
  hash: string | null
  /** Epoch milliseconds; null once used. */
  expiresAt: number | null
  attempts: number
  sends: number
  windowStart: number
}

export interface IssueCode {
  /** The id a new user gets; ignored when the address already has a user. */
  newUserId: string
  email: string
  attributes: Record<string, string>
  hash: string
  now: number
  expiresAt: number
  /** Names this send (unique), so it can withdraw its own code and no other. */
  sendId: string
  /**
   * Epoch milliseconds until which this send's delivery may be in flight: no other send for
   * the address is issued before it ends (`finishSend`, `withdrawSend`) or this time passes.
   */
  sendingUntil: number
  /** The client network's key (`CodeHasher.client`) the send is counted under. */
  clientKey: string
  /** At most `maxSends` codes per `windowMs` per address, over all networks. */
  maxSends: number
  /** At most `maxClientSends` codes per `windowMs` per address from one client network. */
  maxClientSends: number
  /**
   * At most `maxClientIssued` sends per `windowMs` per address issued from one client network,
   * withdrawn ones included: what bounds a caller while the sender refuses every code.
   */
  maxClientIssued: number
  windowMs: number
}

/** Sends counted in a window: an address's, or an address's from one client network. */
export interface SendCount {
  sends: number
  /** Epoch milliseconds. */
  windowStart: number
}

/** A client network's count for an address. */
export interface ClientSendCount extends SendCount {
  /** Every send issued in the window, withdrawn ones included (`sends` counts those not). */
  issued: number
}

/** A send `issueCode` counted: ended by `finishSend`, or taken back by `withdrawSend`. */
export interface IssuedSend {
  userId: string
  sendId: string
  clientKey: string
}

/** Where an address's sends stand, read after a refusal to say what refused it. */
export interface SendState {
  /** The address's count over all networks; undefined where nothing was counted. */
  address: SendCount | undefined
  /** The client network's count for the address; undefined where nothing was counted. */
  client: ClientSendCount | undefined
  /** Until when the pending code's delivery may still be in flight; undefined if it is not. */
  sendingUntil: number | undefined
}

interface Row {
  id: string
  email: string
  status: CognitoStatus
  attributes: string
  settings: string
  code_hash: string | null
  expires_at: number | null
  attempts: number | null
  sends: number | null
  window_start: number | null
}

const toRecord = (row: Row): { user: CognitoUserRecord; code: CodeState | undefined } => ({
  user: {
    id: row.id,
    email: row.email,
    status: row.status,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    settings: JSON.parse(row.settings) as Record<string, string>,
  },
  code:
    row.window_start === null
      ? undefined
      : {
          hash: row.code_hash,
          expiresAt: row.expires_at,
          attempts: row.attempts ?? 0,
          sends: row.sends ?? 0,
          windowStart: row.window_start,
        },
})

// A send holds its address from `issueCode` until `finishSend` or `withdrawSend` (or until its
// `sending_until` passes): the pending code is its own then, as are the windows its counts
// are in, so what a withdrawal restores and refunds is exactly what the send changed.
const HOLDS = 'user_id = ? AND send_id = ? AND sending_until IS NOT NULL'

/**
 * Cognito users (ServiceStack family) on any `SqlDatabase`. Every decision that races — who
 * creates a user, whether a send is within its address's and its network's rates and no other
 * send's delivery to it is in flight, whether an attempt is within its budget, which confirm
 * uses a code — is one conditional statement whose changed-row count decides.
 *
 * @example
 * const users = cognitoUsers(db)
 * await users.find('ada@example.com') // { user: { id, status: 'UNCONFIRMED', ... }, code: { attempts: 0, ... } }
 */
export const cognitoUsers = (db: SqlDatabase) => ({
  /** The user of an address (lowercased) and its code row, if any. */
  async find(email: string) {
    const row = await first<Row>(
      db,
      sql(
        `SELECT u.id, u.email, u.status, u.attributes, u.settings, c.code_hash, c.expires_at,
           c.attempts, c.sends, c.window_start
         FROM cognito_users u LEFT JOIN cognito_codes c ON c.user_id = u.id WHERE u.email = ?`,
        email,
      ),
    )
    return row && toRecord(row)
  },

  /**
   * Creates the user if the address is new and replaces its pending code, unless the address
   * has had `maxSends` codes in its current window, or `maxClientSends` from this client
   * network in that network's window (or `maxClientIssued` sends, withdrawn ones included), or
   * another send's delivery to it is in flight (until its `sendingUntil`). False (and nothing
   * changed) when refused. Once true, the send holds the address until `finishSend` or
   * `withdrawSend`.
   */
  async issueCode(input: IssueCode): Promise<boolean> {
    const over = input.now - input.windowMs
    // Both budgets, the network's sends issued and the in-flight send are tested in the one
    // conditional statement that stores the code; the statements after it change anything only
    // if that send's id is now the pending one.
    const issuedHere = `(SELECT user_id FROM cognito_codes
      WHERE user_id = (SELECT id FROM cognito_users WHERE email = ?) AND send_id = ?)`
    const [, issued] = await db.batch([
      sql(
        `INSERT INTO cognito_users (id, email, status, attributes, settings, created_at, updated_at)
         VALUES (?, ?, 'UNCONFIRMED', ?, '{}', ?, ?) ON CONFLICT (email) DO NOTHING`,
        input.newUserId,
        input.email,
        JSON.stringify(input.attributes),
        new Date(input.now).toISOString(),
        new Date(input.now).toISOString(),
      ),
      // SET expressions all read the row as it was, so the window test is the same in each.
      // A first send stores the row: no network can have a count for the address yet, and no
      // send to it is in flight. A send in flight past its `sending_until` (its process died,
      // or its sender overran) no longer holds the address.
      sql(
        `INSERT INTO cognito_codes (user_id, code_hash, expires_at, attempts, sends,
           window_start, send_id, sending_until)
         SELECT id, ?, ?, 0, 1, ?, ?, ? FROM cognito_users WHERE email = ?
         ON CONFLICT (user_id) DO UPDATE SET displaced_hash = code_hash,
           displaced_expires_at = expires_at, displaced_attempts = attempts,
           displaced_send_id = send_id, code_hash = excluded.code_hash,
           expires_at = excluded.expires_at, attempts = 0, send_id = excluded.send_id,
           sending_until = excluded.sending_until,
           sends = CASE WHEN window_start <= ? THEN 1 ELSE sends + 1 END,
           window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
         WHERE (sending_until IS NULL OR sending_until <= ?)
           AND (window_start <= ? OR sends < ?) AND NOT EXISTS (SELECT 1
             FROM cognito_code_sends s WHERE s.user_id = excluded.user_id AND s.client_key = ?
               AND s.window_start > ? AND (s.sends >= ? OR s.issued >= ?))`,
        input.hash,
        input.expiresAt,
        input.now,
        input.sendId,
        input.sendingUntil,
        input.email,
        over,
        over,
        input.now,
        over,
        input.maxSends,
        input.clientKey,
        over,
        input.maxClientSends,
        input.maxClientIssued,
      ),
      // Networks whose window is over count nothing: their rows go, so an address keeps at
      // most `maxSends` of them, and the network's row below starts a window when it has none.
      sql(
        `DELETE FROM cognito_code_sends WHERE window_start <= ? AND user_id = ${issuedHere}`,
        over,
        input.email,
        input.sendId,
      ),
      sql(
        `INSERT INTO cognito_code_sends (user_id, client_key, sends, issued, window_start)
         SELECT user_id, ?, 1, 1, ? FROM cognito_codes
         WHERE user_id = (SELECT id FROM cognito_users WHERE email = ?) AND send_id = ?
         ON CONFLICT (user_id, client_key) DO UPDATE SET sends = sends + 1, issued = issued + 1`,
        input.clientKey,
        input.now,
        input.email,
        input.sendId,
      ),
    ])
    return issued === 1
  },

  /**
   * The address's send count and this client network's, and the delivery in flight, as they
   * stand: what refused a send.
   */
  async sendState(email: string, clientKey: string): Promise<SendState> {
    const row = await first<{
      sends: number | null
      window_start: number | null
      client_sends: number | null
      client_issued: number | null
      client_window_start: number | null
      sending_until: number | null
    }>(
      db,
      sql(
        `SELECT c.sends, c.window_start, s.sends AS client_sends, s.issued AS client_issued,
           s.window_start AS client_window_start, c.sending_until
         FROM cognito_users u LEFT JOIN cognito_codes c ON c.user_id = u.id
           LEFT JOIN cognito_code_sends s ON s.user_id = u.id AND s.client_key = ?
         WHERE u.email = ?`,
        clientKey,
        email,
      ),
    )
    const count = (sends: number | null | undefined, windowStart: number | null | undefined) =>
      sends == null || windowStart == null ? undefined : { sends, windowStart }
    const client = count(row?.client_sends, row?.client_window_start)
    return {
      address: count(row?.sends, row?.window_start),
      client: client && { ...client, issued: row?.client_issued ?? client.sends },
      sendingUntil: row?.sending_until ?? undefined,
    }
  },

  /**
   * Ends a send whose delivery is over without a withdrawal (delivered, or perhaps still on
   * its way): the address may be sent another code, and the code this one displaced can no
   * longer come back. Only while the send still holds the address: a send that overran its
   * `sendingUntil` and was followed by another changes nothing.
   */
  async finishSend(send: IssuedSend) {
    await run(
      db,
      sql(
        `UPDATE cognito_codes SET sending_until = NULL, displaced_hash = NULL,
           displaced_expires_at = NULL, displaced_attempts = NULL, displaced_send_id = NULL
         WHERE ${HOLDS}`,
        send.userId,
        send.sendId,
      ),
    )
  },

  /**
   * Takes back a send whose code the sender certainly did not deliver, and ends it. While it
   * holds the address no other send was issued, so its code is the pending one, the code it
   * displaced is the one pending before it, and the windows it was counted in are the live
   * ones: the displaced code is pending again as it was then (a code used before stays used),
   * and the send counts against neither the address's nor its network's budget. It stays
   * among its network's issued sends, and a window it began stays begun.
   *
   * A send that overran its `sendingUntil` and was followed by another is treated as one that
   * may have arrived: it stays counted. Its code, displaced by the later send, can no longer
   * come back: if that send is withdrawn too, no code is pending, whichever is withdrawn
   * first.
   */
  async withdrawSend(send: IssuedSend) {
    await db.batch([
      // The send's code is pending but no longer held: the send overran its bound, and the
      // later send that displaced it was withdrawn first, bringing it back. Undelivered after
      // all, it goes; it stays counted, as it was when the later send was issued.
      sql(
        `UPDATE cognito_codes SET code_hash = NULL, expires_at = NULL, send_id = NULL
         WHERE user_id = ? AND send_id = ? AND sending_until IS NULL`,
        send.userId,
        send.sendId,
      ),
      sql(
        `UPDATE cognito_codes SET displaced_hash = NULL, displaced_expires_at = NULL,
           displaced_attempts = NULL, displaced_send_id = NULL
         WHERE user_id = ? AND displaced_send_id = ?`,
        send.userId,
        send.sendId,
      ),
      // Before the statement below ends the send: both refunds test that it holds the address
      // and that its code is unused. A code used meanwhile (a confirm with it) reached someone
      // whatever the sender said: it is neither refunded nor replaced by the one it displaced.
      sql(
        `UPDATE cognito_code_sends SET sends = sends - 1
         WHERE user_id = ? AND client_key = ?
           AND EXISTS (SELECT 1 FROM cognito_codes WHERE ${HOLDS} AND code_hash IS NOT NULL)`,
        send.userId,
        send.clientKey,
        send.userId,
        send.sendId,
      ),
      sql(
        `UPDATE cognito_codes SET sends = sends - 1, code_hash = displaced_hash,
           expires_at = displaced_expires_at, attempts = coalesce(displaced_attempts, 0),
           send_id = displaced_send_id, displaced_hash = NULL, displaced_expires_at = NULL,
           displaced_attempts = NULL, displaced_send_id = NULL, sending_until = NULL
         WHERE ${HOLDS} AND code_hash IS NOT NULL`,
        send.userId,
        send.sendId,
      ),
      // A send whose code was used: only its hold ends.
      sql(`UPDATE cognito_codes SET sending_until = NULL WHERE ${HOLDS}`, send.userId, send.sendId),
    ])
  },

  /**
   * Counts one attempt against the pending code `hash`, if it is still pending, unexpired and
   * within `maxAttempts`. Counted before the code is compared, so concurrent guesses cannot
   * compare more often than the budget allows.
   */
  async claimAttempt(userId: string, hash: string, now: number, maxAttempts: number) {
    const changed = await run(
      db,
      sql(
        `UPDATE cognito_codes SET attempts = attempts + 1
         WHERE user_id = ? AND code_hash = ? AND expires_at > ? AND attempts < ?`,
        userId,
        hash,
        now,
        maxAttempts,
      ),
    )
    return changed === 1
  },

  /**
   * Uses the pending code `hash` and confirms the user, in one transaction. Both statements
   * test the same condition, so they change together; true for exactly one concurrent caller.
   */
  async confirm(userId: string, hash: string, now: number, attributes: Record<string, string>) {
    const pending = 'code_hash = ? AND expires_at > ?'
    const [, used] = await db.batch([
      sql(
        `UPDATE cognito_users SET status = 'CONFIRMED', attributes = ?, updated_at = ?
         WHERE id = ? AND EXISTS (SELECT 1 FROM cognito_codes WHERE user_id = ? AND ${pending})`,
        JSON.stringify(attributes),
        new Date(now).toISOString(),
        userId,
        userId,
        hash,
        now,
      ),
      sql(
        // The code it displaced can never come back either (a send that fails after its code
        // was used withdraws nothing).
        `UPDATE cognito_codes SET code_hash = NULL, expires_at = NULL, displaced_hash = NULL,
           displaced_expires_at = NULL, displaced_attempts = NULL, displaced_send_id = NULL
         WHERE user_id = ? AND ${pending}`,
        userId,
        hash,
        now,
      ),
    ])
    return used === 1
  },
})

export type CognitoUsers = ReturnType<typeof cognitoUsers>
