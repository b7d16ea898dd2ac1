import { type SqlDatabase, type SqlValue, StoreUnavailableError } from './sql.ts'

// D1's transient errors (developers.cloudflare.com/d1/observability/debug-d1, "List of
// D1_ERRORs", recommended action "retry"): its Durable Object reset or restarting, the network,
// overload, plus SQLite's own lock. Matched with or without the `D1_ERROR: ` prefix, which not
// every path adds. Anything else (syntax, constraints, types) is a bug: a 500.
const UNAVAILABLE =
  /SQLITE_BUSY|database is locked|overloaded|Network connection lost|D1 DB storage|caused object to be reset|reset because its code was updated|transient issue|exceeded its (?:memory|CPU time) limit|Exceeded maximum DB size/i

const wrap = (error: unknown): unknown =>
  error instanceof Error && UNAVAILABLE.test(error.message)
    ? new StoreUnavailableError('database unavailable', { cause: error })
    : error

/**
 * D1 adapter for the Workers runtime. `batch` is D1's own batch, which runs as one transaction.
 *
 * @example
 * const db = d1Database(env.DB)
 */
export const d1Database = (d1: D1Database): SqlDatabase => ({
  async all<T>(text: string, params: readonly SqlValue[] = []) {
    try {
      const result = await d1
        .prepare(text)
        .bind(...params)
        .all<T>()
      return result.results
    } catch (error) {
      throw wrap(error)
    }
  },
  async first<T>(text: string, params: readonly SqlValue[] = []) {
    try {
      return (
        (await d1
          .prepare(text)
          .bind(...params)
          .first<T>()) ?? undefined
      )
    } catch (error) {
      throw wrap(error)
    }
  },
  async batch(statements) {
    try {
      const results = await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.params)))
      return results.map((r) => r.meta.changes ?? 0)
    } catch (error) {
      throw wrap(error)
    }
  },
})
