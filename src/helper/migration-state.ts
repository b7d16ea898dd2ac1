import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { RETRY_AFTER_SECONDS, serviceUnavailable } from '../problems/on-error.ts'
import type { ProblemError } from '../problems/problem-error.ts'
import { LATEST_MIGRATION } from '../store/index.ts'
import { perApp } from './per-app.ts'

/**
 * How long a database found without the latest migration is taken to still lack it before it
 * is asked again: the wait the 503's `Retry-After` gives, so a client retrying when told to
 * finds the answer fresh, and applying the migrations heals a running gateway in that time.
 */
const RECHECK_MS = RETRY_AFTER_SECONDS * 1000

interface MigrationState {
  /** Found migrated: for good, since migrations are never taken back. */
  migrated: boolean
  /** When (the app's `timer`) it was last found not migrated. */
  missedAt?: number
  /** "database not migrated" was logged since it was last found migrated. */
  reported: boolean
}

const stateOf = perApp((): MigrationState => ({ migrated: false, reported: false }))

const now = (c: Context<AppEnv>): number => (c.get('deps').timer ?? (() => performance.now()))()

/** The 503 problem; the log says it once until the database is found migrated. */
const notMigrated = (c: Context<AppEnv>, state: MigrationState): ProblemError => {
  if (!state.reported) {
    state.reported = true
    c.get('deps').logger.error('database not migrated', {
      traceId: c.get('traceId'),
      latestMigration: LATEST_MIGRATION,
    })
  }
  return serviceUnavailable(
    `The database does not have the latest migration (${LATEST_MIGRATION}): apply the ` +
      'migrations/ folder to it (on Workers: wrangler d1 migrations apply DB --remote).',
  )
}

// Each request asks on its own rather than awaiting another's question: a Worker may not wait
// on I/O begun by another request. Only the first requests of an app can overlap this way.
const ask = async (c: Context<AppEnv>, state: MigrationState): Promise<void> => {
  // An unavailable store throws here (a 503 of its own), and is asked again next time.
  if (await c.get('deps').store.migrated()) {
    state.migrated = true
    state.reported = false
    return
  }
  state.missedAt = now(c)
  throw notMigrated(c, state)
}

/**
 * Settles once the database has the latest migration (`LATEST_MIGRATION`); rejects with the
 * 503 problem of `/healthz` when it does not. Once found migrated it asks nothing and returns
 * no promise; until then it asks at most every `RECHECK_MS`, refusing meanwhile. Every route
 * that reads or writes the store passes it first, so an unmigrated database (a Worker whose D1
 * the migrations were not applied to, an older libSQL server) is a clear 503 that changed
 * nothing, rather than a 500 from a missing table or column.
 *
 * @example
 * await whenMigrated(c) // throws ProblemError('serviceUnavailable', …) until migrated
 */
export const whenMigrated = (c: Context<AppEnv>): Promise<void> | undefined => {
  const state = stateOf(c)
  if (state.migrated) return undefined
  if (state.missedAt !== undefined && now(c) - state.missedAt < RECHECK_MS)
    return Promise.reject(notMigrated(c, state))
  return ask(c, state)
}

/**
 * `whenMigrated` for the health check: asks the database on every probe, since that is what a
 * probe is for. A probe that finds it migrated lets every route through at once.
 *
 * @example
 * await probeMigrated(c)
 */
export const probeMigrated = (c: Context<AppEnv>): Promise<void> => ask(c, stateOf(c))
