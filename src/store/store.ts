import { alexaUsers } from './alexa-users.ts'
import { cognitoUsers } from './cognito-users.ts'
import { contacts, type ContactsOptions } from './contacts.ts'
import type { SqlDatabase } from './sql.ts'

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
  /** A cheap round trip, for `/healthz`. */
  async ping(): Promise<void> {
    await db.first('SELECT 1')
  },
})

export type Store = ReturnType<typeof createStore>
