import { mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { afterEach, describe, expect, it } from 'vitest'
import { libsqlDatabase } from '../../src/store/libsql.ts'
import { sql, StoreUnavailableError } from '../../src/store/sql.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A libSQL file in its own temp folder, with one table. */
const fileDb = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-libsql-'))
  const url = `file:${join(dir, 'test.db')}`
  const clients: Client[] = []
  const open = () => {
    const client = createClient({ url })
    clients.push(client)
    return client
  }
  cleanups.push(async () => {
    for (const c of clients) c.close()
    await rm(`${dir}.away`, { recursive: true, force: true })
    await rm(dir, { recursive: true, force: true })
  })
  const client = open()
  await client.execute('CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL)')
  return { dir, open, client, db: libsqlDatabase(client, { reconnect: true }) }
}

const caught = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('the libSQL adapter on a real file', () => {
  it('rolls back a whole batch when its second statement fails', async () => {
    const { db } = await fileDb()
    await db.batch([sql("INSERT INTO t VALUES ('keep', 'x')")])
    const error = await caught(
      db.batch([
        sql("INSERT INTO t VALUES ('new', 'x')"),
        sql("INSERT INTO t VALUES ('keep', 'y')"),
      ]),
    )
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(StoreUnavailableError) // a constraint is a bug, not an outage
    expect(await db.all('SELECT id, v FROM t')).toEqual([{ id: 'keep', v: 'x' }])
  })

  it('maps a write lock held by another client (SQLITE_BUSY) to unavailable, then recovers', async () => {
    const { db, open } = await fileDb()
    const lock = await open().transaction('write')
    await lock.execute("INSERT INTO t VALUES ('other', 'x')")
    const error = await caught(db.batch([sql("INSERT INTO t VALUES ('a', 'x')")]))
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect(String((error as Error).cause)).toContain('SQLITE_BUSY')
    await lock.rollback()
    await db.batch([sql("INSERT INTO t VALUES ('a', 'x')")])
    // The connection that met the lock does not keep it: another client can write too.
    await open().execute("INSERT INTO t VALUES ('b', 'x')")
    expect(await db.all('SELECT id FROM t ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }])
  })

  it('maps a folder moved away (SQLITE_READONLY, then a connection that cannot open) to unavailable', async () => {
    const { db, dir } = await fileDb()
    await rename(dir, `${dir}.away`)
    const write = await caught(db.batch([sql("INSERT INTO t VALUES ('a', 'x')")]))
    expect(write).toBeInstanceOf(StoreUnavailableError)
    expect(String((write as Error).cause)).toContain('SQLITE_READONLY')
    const read = await caught(db.all('SELECT 1'))
    expect(read).toBeInstanceOf(StoreUnavailableError)
    expect(String((read as Error).cause)).toMatch(/ConnectionFailed|CANTOPEN/)
    await rename(`${dir}.away`, dir)
    await db.batch([sql("INSERT INTO t VALUES ('a', 'x')")])
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'a' }])
  })

  it('leaves SQL errors as they are: a bug is a 500, not a 503', async () => {
    const { db } = await fileDb()
    const error = await caught(db.all('SELEC nonsense'))
    expect(error).not.toBeInstanceOf(StoreUnavailableError)
    expect(await caught(db.all('SELECT * FROM missing'))).not.toBeInstanceOf(StoreUnavailableError)
  })

  it('never reconnects an in-memory database, whose data lives on its connection', async () => {
    const client = createClient({ url: ':memory:' })
    cleanups.push(async () => client.close())
    const db = libsqlDatabase(client)
    await db.batch([sql('CREATE TABLE t (id TEXT)'), sql("INSERT INTO t VALUES ('a')")])
    await caught(db.all('SELEC nonsense'))
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'a' }])
  })
})
