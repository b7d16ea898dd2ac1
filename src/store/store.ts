import { alexaUsers } from './alexa-users.ts'
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
  /** A cheap round trip, for `/healthz`. */
  async ping(): Promise<void> {
    await db.all('SELECT 1')
  },
})

export type Store = ReturnType<typeof createStore>
