import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { guardFile } from '../../src/runtime/node/file-guard.ts'
import { type SqlDatabase, StoreUnavailableError } from '../../src/store/sql.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A guarded stand-in database on a real file, with a clock the test moves. */
const guarded = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-guard-'))
  const file = join(dir, 'gateway.db')
  await writeFile(file, '')
  cleanups.push(() => rm(`${dir}.away`, { recursive: true, force: true }))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const calls: string[] = []
  const inner: SqlDatabase = {
    all: async <T>(sql: string) => {
      calls.push(sql)
      return [] as T[]
    },
    first: async (sql: string) => {
      calls.push(sql)
      return undefined
    },
    batch: async (statements) => {
      calls.push(...statements.map((s) => s.sql))
      return statements.map(() => 1)
    },
  }
  const clock = { ms: 0 }
  const db = guardFile(inner, file, { readTrustMs: 1000, now: () => clock.ms })
  const away = () => rename(dir, `${dir}.away`)
  const back = () => rename(`${dir}.away`, dir)
  return { db, calls, clock, away, back }
}

const refused = async (promise: Promise<unknown>) =>
  expect(
    await promise.then(
      () => 'served',
      (e: unknown) => e,
    ),
  ).toBeInstanceOf(StoreUnavailableError)

describe('guardFile', () => {
  it('refuses every write once the file is gone, at once', async () => {
    const g = await guarded()
    await g.db.batch([{ sql: 'INSERT 1', params: [] }])
    await g.away()
    await refused(g.db.batch([{ sql: 'INSERT 2', params: [] }]))
    await refused(g.db.all('INSERT INTO t VALUES (1) RETURNING id'))
    expect(g.calls).toEqual(['INSERT 1'])
  })

  it('lets reads trust a check for readTrustMs, then looks again', async () => {
    const g = await guarded()
    await g.db.all('SELECT 1') // checked at 0 ms
    await g.away()
    g.clock.ms = 999
    await g.db.all('SELECT 2') // still vouched for: served from the open file
    await g.db.first('SELECT 2b') // a one-row read is a read too
    g.clock.ms = 1000
    await refused(g.db.all('SELECT 3'))
    await refused(g.db.first('SELECT 4'))
    expect(g.calls).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 2b'])
  })

  it('makes every call look again after a failed check, and recovers when the file is back', async () => {
    const g = await guarded()
    await g.db.all('SELECT 1')
    await g.away()
    await refused(g.db.batch([{ sql: 'INSERT 1', params: [] }]))
    await refused(g.db.all('SELECT 2')) // no trust window after a failure
    await g.back()
    await g.db.all('SELECT 3')
    await g.db.batch([{ sql: 'INSERT 2', params: [] }])
    expect(g.calls).toEqual(['SELECT 1', 'SELECT 3', 'INSERT 2'])
  })
})
