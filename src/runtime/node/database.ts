import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createClient } from '@libsql/client'
import { libsqlDatabase } from '../../store/libsql.ts'
import { applyMigrations, type Migration } from '../../store/migrate.ts'
import type { SqlDatabase } from '../../store/sql.ts'
import { BUSY_TIMEOUT_MS, STARTUP_BUSY_TIMEOUT_MS } from './busy-timeout.ts'
import { guardFile } from './file-guard.ts'
import { sqliteFile } from './sqlite-file.ts'
import { sqliteReads } from './sqlite-reads.ts'

export interface DatabaseConfig {
  /** `file:…` (embedded SQLite), `libsql://…`/`https://…` (a libSQL/Turso server) or `:memory:`. */
  url: string
  authToken?: string
  /** A file database's `PRAGMA synchronous`; see `NodeConfig.synchronous`. */
  synchronous?: 'NORMAL' | 'FULL'
  /** A file database's `PRAGMA locking_mode`; see `NodeConfig.locking`. */
  locking?: 'NORMAL' | 'EXCLUSIVE'
}

/**
 * Refuses a database SQLite could open only for reading (a read-only folder or mount, a file
 * it may not write): such a gateway would serve reads, call itself healthy and answer every
 * write 503. A write transaction is begun and committed empty: nothing is written.
 *
 * @example
 * await assertWritable(db, '.data/gateway.db') // throws: …cannot be written (cause: SQLite's read-only error)
 */
export const assertWritable = async (db: SqlDatabase, path: string): Promise<void> => {
  try {
    await db.batch([])
  } catch (error) {
    throw new Error(`the database file ${path} cannot be written`, { cause: error })
  }
}

/**
 * The gateway's database on Node. A `file:` URL is an embedded SQLite file in WAL mode, read
 * through libSQL's native driver with kept statements and guarded against its folder going
 * away (`guardFile`), with a second connection whose reads run off the event loop for large
 * reads (`bulkReads`: `sqliteReads`) unless the gateway holds the file alone (`EXCLUSIVE`) or
 * it is in memory; any other URL goes through `@libsql/client`, whose reads of a server are
 * already off the event loop.
 *
 * `migrations` not yet recorded are applied before it returns (`applied` names them). A file
 * waits up to `STARTUP_BUSY_TIMEOUT_MS` for a lock while it opens and migrates, and up to
 * `BUSY_TIMEOUT_MS` afterwards, so other processes can share it.
 *
 * @example
 * const { db, bulkReads, close } = await openDatabase({ url: 'file:.data/gateway.db' })
 */
export const openDatabase = async (
  config: DatabaseConfig,
  migrations?: readonly Migration[],
): Promise<{
  db: SqlDatabase
  bulkReads?: SqlDatabase
  close: () => void
  applied: string[]
}> => {
  const migrate = async (db: SqlDatabase) =>
    migrations ? await applyMigrations(db, migrations) : []
  if (config.url.startsWith('file:')) {
    const path = config.url.slice('file:'.length)
    // The native driver takes a path, not a URI: `x.db?mode=ro` would be a file of that name.
    if (/[?#]/.test(path))
      throw new Error(
        'DATABASE_URL: a file: URL takes no query parameters or fragment (mode, cache…); ' +
          'the gateway opens the file itself, read-write',
      )
    await mkdir(dirname(path), { recursive: true })
    const file = sqliteFile(path, {
      busyTimeoutMs: STARTUP_BUSY_TIMEOUT_MS,
      pragmas: [
        // Before the first WAL access: an exclusive connection then keeps the WAL index in its
        // own memory instead of the -shm file, with no lock calls per transaction.
        `PRAGMA locking_mode=${config.locking ?? 'NORMAL'}`,
        'PRAGMA journal_mode=WAL',
        `PRAGMA synchronous=${config.synchronous ?? 'NORMAL'}`,
        // What a DELETE or UPDATE frees is zeroed, not left in the file's free pages: a deleted
        // Alexa user's sealed tokens (or a contact's old details) would otherwise stay in the
        // file, and in its backups, for anyone who holds the file and the key.
        'PRAGMA secure_delete=ON',
        // The write-ahead log is written over from its start after each checkpoint but never
        // shortened: its tail would keep older copies of those rows for good. Cut to nothing
        // each time it starts over, it holds none past the next checkpoint (every ~4 MB of
        // writes) and the write after it.
        'PRAGMA journal_size_limit=0',
      ],
    })
    const db = guardFile(file, path)
    let applied: string[]
    try {
      applied = await migrate(db)
      await assertWritable(db, path)
    } catch (error) {
      file.close()
      throw error
    }
    file.setBusyTimeout(BUSY_TIMEOUT_MS)
    const shared = config.locking !== 'EXCLUSIVE' && path !== ':memory:'
    if (!shared) return { db, close: file.close, applied }
    const reads = sqliteReads(path)
    return {
      db,
      bulkReads: guardFile(reads, path),
      close: () => {
        reads.close()
        file.close()
      },
      applied,
    }
  }
  const client = createClient({
    url: config.url,
    ...(config.authToken ? { authToken: config.authToken } : {}),
  })
  // `:memory:` data lives only on its connection: never reopened.
  const db = libsqlDatabase(client, { reconnect: config.url !== ':memory:' })
  try {
    return { db, close: () => client.close(), applied: await migrate(db) }
  } catch (error) {
    client.close()
    throw error
  }
}
