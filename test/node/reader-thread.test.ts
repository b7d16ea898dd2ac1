import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/runtime/node/database.ts'
import { readerThread } from '../../src/runtime/node/reader-thread.ts'
import { sql, StoreUnavailableError } from '../../src/store/sql.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A shared file database with a table `t` of `n` rows, and a reader thread on it. */
const opened = async (n = 3) => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-reader-'))
  const path = join(dir, 'test.db')
  const { db, close } = await openDatabase({ url: `file:${path}` })
  cleanups.push(async () => (await close(), await rm(dir, { recursive: true, force: true })))
  await db.batch([
    sql('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)'),
    sql(
      `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
       INSERT INTO t SELECT i, 'row ' || i FROM k`,
    ),
  ])
  const reader = readerThread(path, ['PRAGMA query_only=ON'])
  cleanups.push(() => reader.close())
  return { db, reader, path }
}

describe('readerThread', () => {
  it('reads rows and first rows over its own connection, named by their columns', async () => {
    const { reader } = await opened()
    expect(await reader.all('SELECT id, name FROM t WHERE id > ? ORDER BY id', [1])).toEqual([
      { id: 2, name: 'row 2' },
      { id: 3, name: 'row 3' },
    ])
    expect(await reader.first('SELECT name FROM t WHERE id = ?', [3])).toEqual({ name: 'row 3' })
    expect(await reader.first('SELECT name FROM t WHERE id = ?', [9])).toBeUndefined()
  })

  it('answers reads made at once, each its own answer', async () => {
    const { reader } = await opened(50)
    const ids = Array.from({ length: 50 }, (_, i) => i + 1)
    const rows = await Promise.all(
      ids.map((id) => reader.first('SELECT id FROM t WHERE id = ?', [id])),
    )
    expect(rows).toEqual(ids.map((id) => ({ id })))
  })

  it('sees what the main connection committed, as soon as it is committed', async () => {
    const { db, reader } = await opened()
    expect(await reader.first('SELECT count(*) AS n FROM t')).toEqual({ n: 3 })
    await db.batch([sql("INSERT INTO t VALUES (4, 'row 4')")])
    expect(await reader.first('SELECT count(*) AS n FROM t')).toEqual({ n: 4 })
  })

  it('never writes: batch is refused, and so is a write statement on its query-only connection', async () => {
    const { db, reader } = await opened()
    await expect(reader.batch([sql('DELETE FROM t')])).rejects.toThrow('only reads')
    await expect(reader.all('DELETE FROM t')).rejects.toThrow()
    expect(await db.first('SELECT count(*) AS n FROM t')).toEqual({ n: 3 })
  })

  it('carries an error across as it was: its message and code', async () => {
    const { reader } = await opened()
    const error = await reader.first('SELECT nope FROM t').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(StoreUnavailableError)
    expect((error as Error).message).toMatch(/no such column: nope/)
    expect((error as { code?: string }).code).toBe('SQLITE_ERROR')
  })

  it('fails a read in flight when the thread stops, and starts a new thread for the next', async () => {
    const { reader } = await opened()
    // Long enough to still be running when the thread is stopped.
    const slow = reader.first(
      'WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3000000) SELECT count(*) AS n FROM k',
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    await reader.close()
    await expect(slow).rejects.toBeInstanceOf(StoreUnavailableError)
    expect(await reader.first('SELECT count(*) AS n FROM t')).toEqual({ n: 3 })
  })

  it('never keeps the process alive: a script that reads and never closes it exits', async () => {
    const { path } = await opened()
    const script = join(tmpdir(), `reader-exits-${process.pid}.mjs`)
    cleanups.push(() => rm(script, { force: true }))
    await writeFile(
      script,
      `
      import { readerThread } from ${JSON.stringify(new URL('../../src/runtime/node/reader-thread.ts', import.meta.url).href)}
      const reader = readerThread(${JSON.stringify(path)})
      console.log(JSON.stringify(await reader.first('SELECT count(*) AS n FROM t')))`,
    )
    const { stdout } = await promisify(execFile)(process.execPath, ['--no-warnings', script], {
      timeout: 10_000,
    })
    expect(JSON.parse(stdout)).toEqual({ n: 3 })
  })
})

describe('openDatabase: bulk reads', () => {
  const open = async (url: string, locking?: 'EXCLUSIVE') => {
    const opened = await openDatabase({ url, ...(locking ? { locking } : {}) })
    cleanups.push(opened.close)
    return opened
  }

  it('reads in bulk on a thread of its own from a shared file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-reader-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const { db, bulkReads } = await open(`file:${join(dir, 'test.db')}`)
    await db.batch([
      sql('CREATE TABLE t (id INTEGER PRIMARY KEY)'),
      sql('INSERT INTO t VALUES (7)'),
    ])
    expect(bulkReads?.manyRowsAsText).toBe(true)
    expect(await bulkReads!.all('SELECT id FROM t')).toEqual([{ id: 7 }])
    expect(await bulkReads!.all('PRAGMA query_only')).toEqual([{ query_only: 1 }])
  })

  it('reads on its one connection where a second cannot: an exclusive file, memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-reader-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    expect((await open(`file:${join(dir, 'test.db')}`, 'EXCLUSIVE')).bulkReads).toBeUndefined()
    expect((await open(':memory:')).bulkReads).toBeUndefined()
  })
})
