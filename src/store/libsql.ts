import type { Client, InValue } from '@libsql/client'
import { type SqlDatabase, type SqlValue, StoreUnavailableError } from './sql.ts'

// SQLite result codes that mean "storage is not usable right now", not "your query is wrong":
// a write lock held elsewhere (BUSY), a file that went read-only or whose folder moved away
// (READONLY, extended code DBMOVED), a connection the pool cannot open (ConnectionFailed, the
// native driver's CANTOPEN), a client closed under a call by a reconnect, a full or failing
// disk; and for a libSQL server, the network.
const UNAVAILABLE =
  /SQLITE_(BUSY|LOCKED|READONLY|IOERR|CANTOPEN|FULL|NOTADB|CORRUPT)|ConnectionFailed|CLIENT_CLOSED|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|fetch failed/

/**
 * The error as thrown, or a `StoreUnavailableError` (503) carrying it when it means the
 * storage cannot be used right now.
 */
export const unavailableOr = (error: unknown): unknown => {
  const text =
    error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : ''
  return UNAVAILABLE.test(text)
    ? new StoreUnavailableError('database unavailable', { cause: error })
    : error
}

const toRow = (row: Record<string, unknown>): Record<string, SqlValue> => {
  const out: Record<string, SqlValue> = {}
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === 'bigint' ? Number(value) : (value as SqlValue)
  }
  return out
}

export interface LibsqlOptions {
  /**
   * Reopen the client's connections after a call fails as unavailable. Needed for files: a
   * `BEGIN IMMEDIATE` that hit SQLITE_BUSY is left in progress on its pooled connection, which
   * then keeps the lock and fails every later COMMIT ("SQL statements in progress") until it is
   * closed. Never for `:memory:`, whose data lives only on its connection.
   */
  reconnect?: boolean
}

/**
 * libSQL adapter through `@libsql/client`: a libSQL/Turso server (`libsql://…`) or an
 * in-memory database. (`npm start` reads a `file:` database through `sqliteFile`, which
 * keeps its prepared statements; this client prepares each statement anew.)
 *
 * @example
 * const db = libsqlDatabase(createClient({ url: 'libsql://db.example.turso.io', authToken }), {
 *   reconnect: true,
 * })
 */
export const libsqlDatabase = (client: Client, options: LibsqlOptions = {}): SqlDatabase => {
  const fail = async (error: unknown): Promise<never> => {
    const wrapped = unavailableOr(error)
    if (wrapped instanceof StoreUnavailableError && options.reconnect) await client.reconnect()
    throw wrapped
  }
  const all = async <T>(text: string, params: readonly SqlValue[] = []): Promise<T[]> => {
    try {
      const result = await client.execute({ sql: text, args: params as InValue[] })
      return result.rows.map((row) => toRow(row as unknown as Record<string, unknown>)) as T[]
    } catch (error) {
      return fail(error)
    }
  }
  return {
    all,
    // The client reads whole results; a one-row read is the first of them.
    first: async <T>(text: string, params?: readonly SqlValue[]) => (await all<T>(text, params))[0],
    async batch(statements) {
      try {
        const results = await client.batch(
          statements.map((s) => ({ sql: s.sql, args: s.params as InValue[] })),
          'write',
        )
        return results.map((r) => r.rowsAffected)
      } catch (error) {
        return fail(error)
      }
    },
  }
}
