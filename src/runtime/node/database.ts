import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createClient } from '@libsql/client'
import { libsqlDatabase } from '../../store/libsql.ts'
import type { SqlDatabase } from '../../store/sql.ts'
import { guardFile } from './file-guard.ts'
import { readerThread } from './reader-thread.ts'
import { sqliteFile } from './sqlite-file.ts'

export interface DatabaseConfig {
  /** `file:…` (embedded SQLite), `libsql://…`/`https://…` (a libSQL/Turso server) or `:memory:`. */
  url: string
  authToken?: string
  /** A file database's `PRAGMA synchronous`; see `NodeConfig.synchronous`. */
  synchronous?: 'NORMAL' | 'FULL'
  /** A file database's `PRAGMA locking_mode`; see `NodeConfig.locking`. */
  locking?: 'NORMAL' | 'EXCLUSIVE'
}

export interface NodeDatabase {
  db: SqlDatabase
  /**
   * Where bulk reads (exports) go, when not to `db`: a file shared with other processes
   * (`locking` NORMAL) is read on a thread of its own (`readerThread`), so SQLite's work
   * overlaps the main thread's. An exclusive file allows no second connection; other URLs
   * read over the network or from memory.
   */
  bulkReads?: SqlDatabase
  close: () => Promise<void>
}

/**
 * The gateway's database on Node. A `file:` URL is an embedded SQLite file in WAL mode, read
 * through libSQL's native driver with kept statements and guarded against its folder going
 * away (`guardFile`), with a reader thread for bulk reads; any other URL goes through
 * `@libsql/client`.
 *
 * @example
 * const { db, bulkReads, close } = await openDatabase({ url: 'file:.data/gateway.db' })
 */
export const openDatabase = async (config: DatabaseConfig): Promise<NodeDatabase> => {
  if (config.url.startsWith('file:')) {
    const path = config.url.slice('file:'.length)
    await mkdir(dirname(path), { recursive: true })
    const file = sqliteFile(path, {
      pragmas: [
        // Before the first WAL access: an exclusive connection then keeps the WAL index in its
        // own memory instead of the -shm file, with no lock calls per transaction.
        `PRAGMA locking_mode=${config.locking ?? 'NORMAL'}`,
        'PRAGMA journal_mode=WAL',
        `PRAGMA synchronous=${config.synchronous ?? 'NORMAL'}`,
      ],
    })
    const db = guardFile(file, path)
    if (config.locking === 'EXCLUSIVE') return { db, close: async () => file.close() }
    const reader = readerThread(path, ['PRAGMA journal_mode=WAL', 'PRAGMA query_only=ON'])
    return {
      db,
      bulkReads: guardFile(reader, path),
      close: async () => {
        await reader.close()
        file.close()
      },
    }
  }
  const client = createClient({
    url: config.url,
    ...(config.authToken ? { authToken: config.authToken } : {}),
  })
  // `:memory:` data lives only on its connection: never reopened.
  return {
    db: libsqlDatabase(client, { reconnect: config.url !== ':memory:' }),
    close: async () => client.close(),
  }
}
