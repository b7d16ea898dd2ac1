// The reader thread's side of `readerThread` (reader-thread.ts): its own connection to the
// database file, answering each read the main thread posts, in the order posted.
import { parentPort, workerData } from 'node:worker_threads'
import type { SqlValue } from '../../store/sql.ts'
import { sqliteFile } from './sqlite-file.ts'

/** A read the main thread asks for. */
export interface ReadRequest {
  id: number
  method: 'all' | 'first'
  sql: string
  params: readonly SqlValue[]
}

/** Its answer: the rows (or row), or the error as plain data (posting an Error loses its class). */
export type ReadReply =
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; code?: string } }

const { path, pragmas } = workerData as { path: string; pragmas: readonly string[] }
const db = sqliteFile(path, { pragmas })

parentPort!.on('message', async ({ id, method, sql, params }: ReadRequest) => {
  let reply: ReadReply
  try {
    reply = { id, result: await db[method](sql, params) }
  } catch (error) {
    const { name, message, code } = error as Error & { code?: string }
    reply = { id, error: { name, message, ...(code ? { code } : {}) } }
  }
  parentPort!.postMessage(reply)
})
