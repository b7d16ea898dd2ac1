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

/**
 * Refuses every call (503, StoreUnavailableError) while `path` no longer names the file the
 * database was opened on: its folder deleted, moved away or swapped. In WAL mode SQLite keeps
 * writing to the open, unlinked files and reports success, so without this a deleted folder
 * would silently swallow acknowledged writes until the next restart. Calls go through again
 * once the same file is back (a folder moved back, a volume remounted).
 *
 * @example
 * const db = guardFile(libsqlDatabase(client), '.data/gateway.db')
 */
export const guardFile = (db: SqlDatabase, path: string): SqlDatabase => {
  let opened: string | undefined
  const check = () => {
    const now = identityOf(path)
    opened ??= now
    if (now !== opened) throw new StoreUnavailableError('the database file was replaced')
  }
  return {
    async all(sql, params) {
      check()
      return db.all(sql, params)
    },
    async batch(statements) {
      check()
      return db.batch(statements)
    },
  }
}
