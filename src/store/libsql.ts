import type { Client, InValue } from '@libsql/client'
import { type SqlDatabase, type SqlValue, StoreUnavailableError } from './sql.ts'

// SQLite result codes that mean "storage is not usable right now", not "your query is wrong".
const UNAVAILABLE =
  /SQLITE_(BUSY|LOCKED|READONLY|IOERR|CANTOPEN|FULL|NOTADB|CORRUPT)|ECONNREFUSED|fetch failed/

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

/**
 * libSQL adapter: an embedded SQLite file (`file:.data/gateway.db`) or a libSQL/Turso server
 * (`libsql://…`), through `@libsql/client`.
 *
 * @example
 * const db = libsqlDatabase(createClient({ url: 'file:.data/gateway.db' }))
 */
export const libsqlDatabase = (client: Client): SqlDatabase => ({
  async all<T>(text: string, params: readonly SqlValue[] = []) {
    try {
      const result = await client.execute({ sql: text, args: params as InValue[] })
      return result.rows.map((row) => toRow(row as unknown as Record<string, unknown>)) as T[]
    } catch (error) {
      throw wrap(error)
    }
  },
  async batch(statements) {
    try {
      const results = await client.batch(
        statements.map((s) => ({ sql: s.sql, args: s.params as InValue[] })),
        'write',
      )
      return results.map((r) => r.rowsAffected)
    } catch (error) {
      throw wrap(error)
    }
  },
})
