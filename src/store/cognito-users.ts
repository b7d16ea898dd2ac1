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
  /** At most `maxSends` codes per `windowMs` per address. */
  maxSends: number
  windowMs: number
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

/**
 * Cognito users (ServiceStack family) on any `SqlDatabase`. Every decision that races — who
 * creates a user, whether a send is within its rate, whether an attempt is within its budget,
 * which confirm uses a code — is one conditional statement whose changed-row count decides.
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
   * has had `maxSends` codes in the current window. False (and nothing changed) when limited.
   */
  async issueCode(input: IssueCode): Promise<boolean> {
    const windowOver = input.now - input.windowMs
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
      sql(
        `INSERT INTO cognito_codes (user_id, code_hash, expires_at, attempts, sends, window_start)
         SELECT id, ?, ?, 0, 1, ? FROM cognito_users WHERE email = ?
         ON CONFLICT (user_id) DO UPDATE SET displaced_hash = code_hash,
           displaced_expires_at = expires_at, displaced_attempts = attempts,
           code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0,
           sends = CASE WHEN window_start <= ? THEN 1 ELSE sends + 1 END,
           window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
         WHERE window_start <= ? OR sends < ?`,
        input.hash,
        input.expiresAt,
        input.now,
        input.email,
        windowOver,
        windowOver,
        windowOver,
        input.maxSends,
      ),
    ])
    return issued === 1
  },

  /**
   * Takes back a code `issueCode` stored that the sender certainly did not deliver: the code it
   * displaced is pending again, as it was at that moment (a code used meanwhile stays used),
   * and the send is not counted. Only while `issuedHash` is still the pending code: a later
   * send's code stays.
   */
  async withdrawCode(userId: string, issuedHash: string) {
    await run(
      db,
      sql(
        `UPDATE cognito_codes SET code_hash = displaced_hash,
           expires_at = displaced_expires_at, attempts = coalesce(displaced_attempts, 0),
           displaced_hash = NULL, displaced_expires_at = NULL, displaced_attempts = NULL,
           sends = max(sends - 1, 0)
         WHERE user_id = ? AND code_hash = ?`,
        userId,
        issuedHash,
      ),
    )
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
        `UPDATE cognito_codes SET code_hash = NULL, expires_at = NULL WHERE user_id = ? AND ${pending}`,
        userId,
        hash,
        now,
      ),
    ])
    return used === 1
  },
})

export type CognitoUsers = ReturnType<typeof cognitoUsers>
