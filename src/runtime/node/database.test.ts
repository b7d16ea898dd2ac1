import { statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { assertWritable, openDatabase } from './database.ts'
import { sqliteFile } from './sqlite-file.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const fileIn = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-writable-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'gateway.db')
}

describe('assertWritable', () => {
  it('passes a file the gateway can write, writing nothing', async () => {
    const path = await fileIn()
    const { db, close } = await openDatabase({ url: `file:${path}` })
    cleanups.push(async () => close())
    await db.batch([{ sql: 'CREATE TABLE t (x)', params: [] }])
    const logged = statSync(`${path}-wal`).size
    await expect(assertWritable(db, path)).resolves.toBeUndefined()
    // A commit that changed something would have added its pages to the write-ahead log.
    expect(statSync(`${path}-wal`).size).toBe(logged)
    await db.batch([{ sql: 'INSERT INTO t VALUES (1)', params: [] }])
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(logged)
  })

  // SQLite opens a file it may not write (a read-only folder or mount) for reading only, and
  // says so at the first write, as a connection with `query_only` does.
  it("refuses a file SQLite would only read, with SQLite's reason at the bottom of its causes", async () => {
    const path = await fileIn()
    const file = sqliteFile(path, { pragmas: ['PRAGMA query_only=1'] })
    cleanups.push(async () => file.close())
    const refused = await assertWritable(file, path).catch((error: unknown) => error as Error)
    expect(refused?.message).toBe(`the database file ${path} cannot be written`)
    let cause: unknown = refused
    while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause
    expect((cause as Error).message).toBe('attempt to write a readonly database')
  })
})
