import { statSync } from 'node:fs'
import { type SqlDatabase, StoreUnavailableError } from '../../store/sql.ts'

const identityOf = (path: string): string => {
  try {
    const s = statSync(path)
    return `${s.dev}:${s.ino}`
  } catch (error) {
    throw new StoreUnavailableError('the database file is gone', { cause: error })
  }
}

/** A statement that only reads: it cannot lose a write, so it may trust a recent check. */
const READ_ONLY = /^\s*SELECT\b/i

export interface GuardOptions {
  /** How long a passed check vouches for reads, in ms (default 1000); writes always check. */
  readTrustMs?: number
  /** Milliseconds since some fixed point (default `performance.now`). */
  now?: () => number
}

/**
 * Refuses every call (503, StoreUnavailableError) while `path` no longer names the file the
 * database was opened on: its folder deleted, moved away or swapped. In WAL mode SQLite keeps
 * writing to the open, unlinked files and reports success, so without this a deleted folder
 * would silently swallow acknowledged writes until the next restart. Calls go through again
 * once the same file is back (a folder moved back, a volume remounted).
 *
 * Every write looks at the file (one `stat`). A read trusts a check that passed within
 * `readTrustMs`: for that long after the file goes away a read may still answer from the
 * open file — the data the gateway holds, not a lost write — and once any check has failed
 * every call looks again until the file is back.
 *
 * @example
 * const db = guardFile(sqliteFile('.data/gateway.db'), '.data/gateway.db')
 */
export const guardFile = (
  db: SqlDatabase,
  path: string,
  { readTrustMs = 1000, now = () => performance.now() }: GuardOptions = {},
): SqlDatabase => {
  let opened: string | undefined
  let passedAt = -Infinity
  const check = (write: boolean) => {
    const at = now()
    if (!write && at - passedAt < readTrustMs) return
    passedAt = -Infinity
    const identity = identityOf(path)
    opened ??= identity
    if (identity !== opened) throw new StoreUnavailableError('the database file was replaced')
    passedAt = at
  }
  return {
    ...(db.manyRowsAsText ? { manyRowsAsText: true } : {}),
    async all(sql, params) {
      check(!READ_ONLY.test(sql))
      return db.all(sql, params)
    },
    async first(sql, params) {
      check(!READ_ONLY.test(sql))
      return db.first(sql, params)
    },
    async batch(statements) {
      check(true)
      return db.batch(statements)
    },
  }
}
