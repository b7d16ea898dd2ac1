import Database from 'libsql'
import { unavailableOr } from '../../store/libsql.ts'
import { rowOf, type SqlDatabase, type SqlValue } from '../../store/sql.ts'

type Connection = InstanceType<typeof Database>
type Statement = ReturnType<Connection['prepare']>

/**
 * A statement prepared once and what is known of it without asking the driver again: whether
 * it yields rows, and their column names. Statements that yield rows run in raw mode (arrays):
 * libsql's row objects carry a `_metadata` member and cost a third more than an array named
 * here.
 */
interface Kept {
  statement: Statement
  columns: readonly string[] | undefined
}

/** Distinct statement texts kept prepared; the repositories use a few dozen. */
const CACHED_STATEMENTS = 256

/** Something to `Atomics.wait` on: a pause of this thread, as SQLite's own busy waits are. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4))

const isBusy = (error: unknown) =>
  String((error as { code?: unknown } | undefined)?.code).startsWith('SQLITE_BUSY')

/**
 * Runs a statement that sets up `db`, trying again while another connection holds a lock it
 * needs, for up to `ms`. SQLite's busy handler (`PRAGMA busy_timeout`) waits for most
 * statements but not for a change of journal mode: `PRAGMA journal_mode=WAL` on a file in
 * rollback mode fails at once as busy while another process writes it, or converts it too
 * (two gateways starting on one new file). The pauses grow as SQLite's do (1 ms … 100 ms).
 */
const execWaiting = (db: Connection, statement: string, ms: number) => {
  const deadline = performance.now() + ms
  for (let pause = 1; ; pause = Math.min(pause * 2, 100)) {
    try {
      return db.exec(statement)
    } catch (error) {
      const left = deadline - performance.now()
      if (!isBusy(error) || left <= 0) throw error
      Atomics.wait(PAUSE, 0, 0, Math.min(pause, left))
    }
  }
}

export interface SqliteFileOptions {
  /**
   * Statements that set up a connection (`PRAGMA synchronous=NORMAL`), run when it opens,
   * including after a reopen: per-connection settings would otherwise be lost.
   */
  pragmas?: readonly string[]
  /**
   * How long a statement waits for a lock another connection holds before it fails as busy
   * (`PRAGMA busy_timeout`), set before `pragmas` run, which wait as long (`execWaiting`);
   * 0 (SQLite's default) fails at once. `setBusyTimeout` changes it later. The wait blocks
   * the thread: see `BUSY_TIMEOUT_MS`.
   */
  busyTimeoutMs?: number
}

/**
 * An embedded SQLite file through libSQL's native driver (`libsql`, the engine
 * `@libsql/client` itself runs on), with each statement prepared once and kept.
 *
 * `@libsql/client` prepares every statement anew on each call and reads its columns twice:
 * about 55 µs for a one-row read on this machine against 10 µs for a kept statement, and
 * each of those prepared statements holds native memory until V8 collects its wrapper, so
 * a long export grew the process by tens of MB. A kept statement costs neither.
 *
 * Every call runs synchronously on the one connection (SQLite is in-process), so calls never
 * interleave. A call that finds the storage unavailable (busy, read-only, moved, gone) throws
 * `StoreUnavailableError` and closes the connection; the next call opens it again, so a lock
 * or a failed `BEGIN` can never stay behind on it.
 *
 * @example
 * const db = sqliteFile('.data/gateway.db', { pragmas: ['PRAGMA journal_mode=WAL'] })
 * await db.all('SELECT id FROM contacts WHERE id = ?', ['c1'])
 */
export const sqliteFile = (
  path: string,
  options: SqliteFileOptions = {},
): SqlDatabase & { close: () => void; setBusyTimeout: (ms: number) => void } => {
  let connection: Connection | undefined
  const statements = new Map<string, Kept>()
  let busyTimeoutMs = options.busyTimeoutMs ?? 0

  const open = (): Connection => {
    if (connection) return connection
    const db = new Database(path)
    try {
      // First: the pragmas after it may need a lock too.
      db.exec(`PRAGMA busy_timeout=${busyTimeoutMs}`)
      for (const pragma of options.pragmas ?? []) execWaiting(db, pragma, busyTimeoutMs)
    } catch (error) {
      db.close()
      throw error
    }
    connection = db
    return db
  }
  const close = () => {
    statements.clear()
    connection?.close()
    connection = undefined
  }
  const prepared = (sql: string): Kept => {
    let kept = statements.get(sql)
    if (!kept) {
      if (statements.size >= CACHED_STATEMENTS) statements.clear()
      const statement = open().prepare(sql)
      const columns = statement.reader ? statement.columns().map((c) => c.name) : undefined
      if (columns) statement.raw()
      kept = { statement, columns }
      statements.set(sql, kept)
    }
    return kept
  }
  /** Runs `work`; an unavailable store closes the connection before the error goes on. */
  const guarded = <T>(work: () => T): T => {
    try {
      return work()
    } catch (error) {
      const wrapped = unavailableOr(error)
      if (wrapped !== error) {
        try {
          close()
        } catch {
          // The connection is being dropped because it failed; a failing close changes nothing.
        }
      }
      throw wrapped
    }
  }

  // Opened now, so the file exists from the start and a bad path fails at startup.
  open()
  return {
    // Every row and cell crosses from the native driver: one text for many rows is cheaper.
    manyRowsAsText: true,
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return guarded(() => {
        const { statement, columns } = prepared(sql)
        const args = params as SqlValue[]
        if (!columns) {
          statement.run(args)
          return [] as T[]
        }
        return (statement.all(args) as unknown[][]).map((cells) => rowOf(columns, cells) as T)
      })
    },
    async first<T>(sql: string, params: readonly SqlValue[] = []) {
      return guarded(() => {
        const { statement, columns } = prepared(sql)
        if (!columns) throw new Error(`first() is for queries that read: ${sql}`)
        const cells = statement.get(params as SqlValue[]) as unknown[] | undefined
        return cells && (rowOf(columns, cells) as T)
      })
    },
    async batch(statements) {
      return guarded(() => {
        const db = open()
        db.exec('BEGIN IMMEDIATE')
        try {
          const changed = statements.map((s) => {
            const { statement, columns } = prepared(s.sql)
            // A statement with RETURNING yields one row per row it changed.
            return columns
              ? statement.all(s.params as SqlValue[]).length
              : statement.run(s.params as SqlValue[]).changes
          })
          db.exec('COMMIT')
          return changed
        } catch (error) {
          try {
            if (db.inTransaction) db.exec('ROLLBACK')
          } catch {
            // A connection that cannot roll back is not used again: closing it ends the
            // transaction, and nothing of it was committed.
            close()
          }
          throw error
        }
      })
    },
    close,
    setBusyTimeout(ms: number) {
      busyTimeoutMs = ms
      connection?.exec(`PRAGMA busy_timeout=${ms}`)
    },
  }
}
