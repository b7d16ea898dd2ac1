import { existsSync } from 'node:fs'
import Database from 'libsql/promise'
import { unavailableOr } from '../../store/libsql.ts'
import { rowOf, type SqlDatabase, type SqlValue, StoreUnavailableError } from '../../store/sql.ts'
import { BUSY_TIMEOUT_MS } from './busy-timeout.ts'

/** Distinct statement texts kept prepared (an export uses four). */
const CACHED_STATEMENTS = 64

/** A statement prepared once: libSQL's promise API gives `any`, this is what is used of it. */
interface Kept {
  all(params: SqlValue[]): Promise<unknown[][]>
  columns: readonly string[]
}

/**
 * Reads on a second connection to the SQLite file at `path`, through libSQL's promise API
 * (`libsql/promise`): SQLite runs each statement on the driver's own threads, and only the
 * result crosses into JavaScript. The gateway's store reads an export's batches here
 * (`ContactsOptions.bulkReads`), so SQLite reads the next batch while the request's thread
 * parses and writes this one, and the event loop keeps serving meanwhile. Reading 1,000,000
 * contacts' batches took 0.19 s of the event loop's time here against 0.95 s on the gateway's
 * own connection (whose every call runs on the event loop).
 *
 * Read-only (`PRAGMA query_only`); in WAL mode readers never wait for the writer, and each
 * read sees what was committed when it began. Statements are kept prepared and run one at a
 * time, each to its end: `first` reads every row and keeps the first, as a statement left
 * part-read would hold its snapshot open (the export asks it for one-row texts only). The
 * connection opens with the first read, never onto a missing file (SQLite would create an
 * empty one): that read fails as `StoreUnavailableError`, as does one that finds the storage
 * unavailable, which also drops the connection for the next read to open again. Not for
 * `PRAGMA locking_mode=EXCLUSIVE`, where the file is the gateway's connection's alone, nor for
 * an in-memory database.
 *
 * @example
 * const reads = sqliteReads('.data/gateway.db')
 * await reads.first('SELECT count(*) AS n FROM contacts') // { n: 3 }
 */
export const sqliteReads = (path: string): SqlDatabase & { close: () => void } => {
  let connection: Database | undefined
  let closed = false
  const statements = new Map<string, Promise<Kept>>()
  // One statement at a time: each read waits for the one before it.
  let queue: Promise<unknown> = Promise.resolve()

  const open = async (): Promise<Database> => {
    if (connection) return connection
    if (!existsSync(path)) throw new StoreUnavailableError('the database file is gone')
    const db = new Database(path, {})
    try {
      // Its waits run on the driver's threads, not the event loop; bounded all the same.
      await db.exec(`PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}`)
      await db.exec('PRAGMA query_only=ON')
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
  const prepared = (sql: string): Promise<Kept> => {
    let kept = statements.get(sql)
    if (!kept) {
      if (statements.size >= CACHED_STATEMENTS) statements.clear()
      kept = open().then(async (db) => {
        const statement = await db.prepare(sql)
        if (!statement.reader) throw new Error(`the read connection only reads: ${sql}`)
        const columns = (statement.columns() as { name: string }[]).map((c) => c.name)
        statement.raw()
        return { all: (params) => statement.all(params), columns }
      })
      statements.set(sql, kept)
      kept.catch(() => statements.delete(sql))
    }
    return kept
  }
  const read = <T>(sql: string, params: readonly SqlValue[]): Promise<T[]> => {
    const run = queue.then(async () => {
      if (closed) throw new StoreUnavailableError('the read connection is closed')
      try {
        const { all, columns } = await prepared(sql)
        const rows = await all(params as SqlValue[])
        return rows.map((cells) => rowOf(columns, cells) as T)
      } catch (error) {
        const wrapped = unavailableOr(error)
        if (wrapped !== error) close()
        throw wrapped
      }
    })
    queue = run.catch(() => undefined)
    return run
  }
  return {
    // Every row and cell crosses from the native driver: one text for many rows is cheaper.
    manyRowsAsText: true,
    all: (sql, params = []) => read(sql, params),
    first: async (sql, params = []) => (await read(sql, params))[0] as never,
    async batch() {
      throw new Error('the read connection only reads')
    },
    close() {
      closed = true
      close()
    },
  }
}
