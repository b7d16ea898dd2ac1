import { alexaUsers } from './alexa-users.ts'
import { cognitoUsers } from './cognito-users.ts'
import { contacts, type ContactsOptions } from './contacts.ts'
import { LATEST_MIGRATION } from './migrate.ts'
import { type SqlDatabase, StoreUnavailableError } from './sql.ts'

/**
 * Every repository over one database; `bulkReads`, where given, reads the text of large reads
 * (an export's batches) on a connection of its own.
 *
 * @example
 * const store = createStore(d1Database(env.DB))
 */
export const createStore = (db: SqlDatabase, options: ContactsOptions = {}) => ({
  db,
  alexaUsers: alexaUsers(db),
  cognitoUsers: cognitoUsers(db),
  contacts: contacts(db, options),
  /**
   * Whether the database has the latest migration the code knows (`LATEST_MIGRATION`), for
   * `/healthz`: one indexed read, and a round trip that fails as unavailable when storage is.
   * A database never migrated has no `d1_migrations` table: that is false too, not an error.
   */
  async migrated(): Promise<boolean> {
    try {
      const row = await db.first('SELECT 1 AS found FROM d1_migrations WHERE name = ?', [
        LATEST_MIGRATION,
      ])
      return row !== undefined
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) && /no such table/i.test(String(error)))
        return false
      throw error
    }
  },
})

export type Store = ReturnType<typeof createStore>
