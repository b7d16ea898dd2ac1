/** A value SQLite (D1 or libSQL) stores and returns. */
export type SqlValue = string | number | null

export interface SqlStatement {
  sql: string
  params: readonly SqlValue[]
}

/**
 * The one storage interface: the few SQL operations the repositories need, implemented once
 * for D1 (Workers) and once for libSQL (Node). Repositories are written once on top of it.
 */
export interface SqlDatabase {
  /** Rows of a query. */
  all<T = Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>
  /**
   * The first row of a query that only reads (a `SELECT`), if any. Drivers fetch just that
   * row: a one-row read is the most common query, and asking for every row costs it more.
   */
  first<T = Record<string, SqlValue>>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<T | undefined>
  /** Runs statements atomically, in order, in one transaction; returns rows changed by each. */
  batch(statements: readonly SqlStatement[]): Promise<number[]>
  /**
   * Whether many rows cost less read as one JSON text (`json_array` per row, joined by
   * `group_concat`) than as rows: true where every row and cell crosses from a native driver
   * into JavaScript (libSQL's, on a file). D1's rows arrive already serialized; there the text
   * measured slower (a 25-contact page on `wrangler dev`: 9.7 → 11.2 ms).
   */
  readonly manyRowsAsText?: boolean
}

/** Thrown when the database cannot be reached or written (locked, read-only, gone). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
}

/**
 * Whether SQLite refused a value over its length limit (SQLITE_TOOBIG). D1's limit is
 * 2,000,000 bytes, which one text holding many rows can pass; libSQL's is a billion.
 */
export const isTooBig = (error: unknown): boolean =>
  error instanceof Error && /SQLITE_TOOBIG|string or blob too big/i.test(error.message)

/**
 * A row from its cells in column order, as drivers that hand rows over as arrays give them.
 *
 * @example
 * rowOf(['id', 'name'], ['c1', 'Ann']) // { id: 'c1', name: 'Ann' }
 */
export const rowOf = (
  columns: readonly string[],
  cells: readonly unknown[],
): Record<string, unknown> => {
  const row: Record<string, unknown> = {}
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = cells[i]
  return row
}

/** Builds a statement. */
export const sql = (text: string, ...params: SqlValue[]): SqlStatement => ({ sql: text, params })

/** Runs one statement and returns how many rows it changed. */
export const run = async (db: SqlDatabase, statement: SqlStatement): Promise<number> =>
  (await db.batch([statement]))[0] ?? 0

/** The first row of a query that only reads, if any. */
export const first = <T = Record<string, SqlValue>>(
  db: SqlDatabase,
  statement: SqlStatement,
): Promise<T | undefined> => db.first<T>(statement.sql, statement.params)
