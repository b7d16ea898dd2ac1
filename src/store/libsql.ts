import type { Client, InValue } from '@libsql/client'
import { type SqlDatabase, type SqlValue, StoreUnavailableError } from './sql.ts'

// SQLite result codes that mean "storage is not usable right now", not "your query is wrong":
// a write lock held elsewhere (BUSY), a file that went read-only or whose folder moved away
// (READONLY, extended code DBMOVED), a connection the pool cannot open (ConnectionFailed, the
// native driver's CANTOPEN), a client closed under a call by a reconnect, a full or failing
// disk; and for a libSQL server, the network.
const UNAVAILABLE =
  /SQLITE_(BUSY|LOCKED|READONLY|IOERR|CANTOPEN|FULL|NOTADB|CORRUPT)|ConnectionFailed|CLIENT_CLOSED|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|fetch failed/

const wrap = (error: unknown): unknown => {
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
  /**
   * Statements that set up a connection (`PRAGMA synchronous=NORMAL`), run before the first
   * call and again after every reconnect: per-connection settings would otherwise be lost.
   */
  pragmas?: readonly string[]
}

/**
 * libSQL adapter: an embedded SQLite file (`file:.data/gateway.db`) or a libSQL/Turso server
 * (`libsql://…`), through `@libsql/client`.
 *
 * @example
 * const db = libsqlDatabase(createClient({ url: 'file:.data/gateway.db', concurrency: 1 }), {
 *   reconnect: true,
 *   pragmas: ['PRAGMA journal_mode=WAL', 'PRAGMA synchronous=NORMAL'],
 * })
 */
export const libsqlDatabase = (client: Client, options: LibsqlOptions = {}): SqlDatabase => {
  let fresh = (options.pragmas ?? []).length > 0
  const ready = async () => {
    if (!fresh) return
    for (const pragma of options.pragmas ?? []) await client.execute(pragma)
    fresh = false
  }
  const fail = async (error: unknown): Promise<never> => {
    const wrapped = wrap(error)
    if (wrapped instanceof StoreUnavailableError && options.reconnect) {
      await client.reconnect()
      fresh = (options.pragmas ?? []).length > 0
    }
    throw wrapped
  }
  return {
    async all<T>(text: string, params: readonly SqlValue[] = []) {
      try {
        await ready()
        const result = await client.execute({ sql: text, args: params as InValue[] })
        return result.rows.map((row) => toRow(row as unknown as Record<string, unknown>)) as T[]
      } catch (error) {
        return fail(error)
      }
    },
    async batch(statements) {
      try {
        await ready()
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
