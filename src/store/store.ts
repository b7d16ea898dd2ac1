import { alexaUsers } from './alexa-users.ts'
import { cognitoUsers } from './cognito-users.ts'
import { contacts } from './contacts.ts'
import type { SqlDatabase } from './sql.ts'

/**
 * Every repository over one database; bulk reads (exports) over `bulkReads` where the runtime
 * has a second connection for them (Node's reader thread).
 *
 * @example
 * const store = createStore(d1Database(env.DB))
 */
export const createStore = (db: SqlDatabase, bulkReads: SqlDatabase = db) => ({
  db,
  alexaUsers: alexaUsers(db),
  cognitoUsers: cognitoUsers(db),
  contacts: contacts(db, bulkReads),
  /** A cheap round trip, for `/healthz`. */
  async ping(): Promise<void> {
    await db.first('SELECT 1')
  },
})

export type Store = ReturnType<typeof createStore>
