import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createClient } from '@libsql/client'
import { libsqlDatabase } from '../../store/libsql.ts'
import type { SqlDatabase } from '../../store/sql.ts'
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
 * The gateway's database on Node. A `file:` URL is an embedded SQLite file in WAL mode, read
 * through libSQL's native driver with kept statements and guarded against its folder going
 * away (`guardFile`), with a second connection whose reads run off the event loop for large
 * reads (`bulkReads`: `sqliteReads`) unless the gateway holds the file alone (`EXCLUSIVE`) or
 * it is in memory; any other URL goes through `@libsql/client`, whose reads of a server are
 * already off the event loop.
 *
 * @example
 * const { db, bulkReads, close } = await openDatabase({ url: 'file:.data/gateway.db' })
 */
export const openDatabase = async (
  config: DatabaseConfig,
): Promise<{ db: SqlDatabase; bulkReads?: SqlDatabase; close: () => void }> => {
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
    const shared = config.locking !== 'EXCLUSIVE' && !/^:memory:|[?&]mode=memory/.test(path)
    if (!shared) return { db: guardFile(file, path), close: file.close }
    const reads = sqliteReads(path)
    return {
      db: guardFile(file, path),
      bulkReads: guardFile(reads, path),
      close: () => {
        reads.close()
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
    close: () => client.close(),
  }
}
