import { alexaUsers } from './alexa-users.ts'
import { cognitoUsers } from './cognito-users.ts'
import { contacts } from './contacts.ts'
import type { SqlDatabase } from './sql.ts'

/**
 * Every repository over one database.
 *
 * @example
 * const store = createStore(d1Database(env.DB))
 */
export const createStore = (db: SqlDatabase) => ({
  db,
  alexaUsers: alexaUsers(db),
  cognitoUsers: cognitoUsers(db),
  contacts: contacts(db),
  /** A cheap round trip, for `/healthz`. */
  async ping(): Promise<void> {
    await db.first('SELECT 1')
  },
})

export type Store = ReturnType<typeof createStore>
