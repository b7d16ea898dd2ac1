import { Worker } from 'node:worker_threads'
import { type SqlDatabase, type SqlValue, StoreUnavailableError } from '../../store/sql.ts'
import type { ReadReply, ReadRequest } from './reader-worker.ts'

interface Pending {
  resolve: (result: unknown) => void
  reject: (error: Error) => void
}

const errorOf = ({ name, message, code }: { name: string; message: string; code?: string }) => {
  const error =
    name === 'StoreUnavailableError' ? new StoreUnavailableError(message) : new Error(message)
  if (code) Object.assign(error, { code })
  return error
}

/**
 * Reads of a database file on a thread of their own, over a second connection to the file (in
 * WAL mode, readers never wait for the writer): what an export reads in bulk. SQLite builds
 * an export batch's text there (about 1.2 µs a contact) while the main thread turns the last
 * batch into bytes and writes them (`exportStream` reads a batch ahead), and the main thread's
 * event loop is not held by those reads.
 *
 * Reads only (`all`, `first`); `batch` throws, so nothing can write through this connection.
 * The thread starts on the first read. If it dies, the reads it held fail and the next read
 * starts a new one. It never keeps the process alive while idle.
 *
 * @example
 * const reads = readerThread('.data/gateway.db', ['PRAGMA journal_mode=WAL'])
 * await reads.first('SELECT count(*) AS n FROM contacts')
 * await reads.close()
 */
export const readerThread = (
  path: string,
  pragmas: readonly string[] = [],
): SqlDatabase & { manyRowsAsText: true; close: () => Promise<void> } => {
  let worker: Worker | undefined
  let seq = 0
  const pending = new Map<number, Pending>()

  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  const start = (): Worker => {
    const w = new Worker(new URL('./reader-worker.ts', import.meta.url), {
      workerData: { path, pragmas },
    })
    w.on('message', ({ id, ...reply }: ReadReply) => {
      const waiting = pending.get(id)
      if (!waiting) return
      pending.delete(id)
      if ('error' in reply) waiting.reject(errorOf(reply.error))
      else waiting.resolve(reply.result)
      if (pending.size === 0) w.unref()
    })
    const gone = (error: Error) => {
      if (worker === w) worker = undefined
      failAll(new StoreUnavailableError('the reader thread stopped', { cause: error }))
    }
    w.on('error', gone)
    w.on('exit', (code) => gone(new Error(`exit code ${code}`)))
    w.unref()
    return w
  }
  const read = <T>(method: ReadRequest['method'], sql: string, params: readonly SqlValue[]) =>
    new Promise<T>((resolve, reject) => {
      worker ??= start()
      const id = ++seq
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject })
      // Held while a read is waiting: an idle thread never keeps the process alive.
      worker.ref()
      worker.postMessage({ id, method, sql, params } satisfies ReadRequest)
    })

  return {
    manyRowsAsText: true,
    all: <T>(sql: string, params: readonly SqlValue[] = []) => read<T[]>('all', sql, params),
    first: <T>(sql: string, params: readonly SqlValue[] = []) =>
      read<T | undefined>('first', sql, params),
    batch: () => Promise.reject(new Error('the reader thread only reads')),
    async close() {
      const w = worker
      worker = undefined
      await w?.terminate()
    },
  }
}
