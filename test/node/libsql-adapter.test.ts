import { existsSync } from 'node:fs'
import { mkdtemp, rename, rm } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/runtime/node/database.ts'
import { sqliteFile } from '../../src/runtime/node/sqlite-file.ts'
import { libsqlDatabase, unavailableOr } from '../../src/store/libsql.ts'
import { sql, StoreUnavailableError } from '../../src/store/sql.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type Adapter = 'native' | 'client'

/** A libSQL file in its own temp folder, with one table, through either adapter. */
const fileDb = async (adapter: Adapter) => {
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
  if (adapter === 'client') return { dir, open, db: libsqlDatabase(client, { reconnect: true }) }
  const native = sqliteFile(url.slice('file:'.length), { pragmas: ['PRAGMA synchronous=NORMAL'] })
  cleanups.push(async () => native.close())
  return { dir, open, db: native }
}

/** A driver error's code and message, whichever of them names the SQLite result. */
const described = (error: unknown): string => {
  const cause = (error as Error).cause as { code?: string; message?: string }
  return `${cause.code ?? ''} ${cause.message ?? ''} ${String(cause)}`
}

const caught = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe.each<Adapter>(['native', 'client'])('the %s libSQL adapter on a real file', (adapter) => {
  it('rolls back a whole batch when its second statement fails', async () => {
    const { db } = await fileDb(adapter)
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
    const { db, open } = await fileDb(adapter)
    const lock = await open().transaction('write')
    await lock.execute("INSERT INTO t VALUES ('other', 'x')")
    const error = await caught(db.batch([sql("INSERT INTO t VALUES ('a', 'x')")]))
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect(described(error)).toContain('SQLITE_BUSY')
    await lock.rollback()
    await db.batch([sql("INSERT INTO t VALUES ('a', 'x')")])
    // The connection that met the lock does not keep it: another client can write too.
    await open().execute("INSERT INTO t VALUES ('b', 'x')")
    expect(await db.all('SELECT id FROM t ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }])
  })

  it('maps a folder moved away (SQLITE_READONLY, then a connection that cannot open) to unavailable', async () => {
    const { db, dir } = await fileDb(adapter)
    await rename(dir, `${dir}.away`)
    const write = await caught(db.batch([sql("INSERT INTO t VALUES ('a', 'x')")]))
    expect(write).toBeInstanceOf(StoreUnavailableError)
    expect(described(write)).toContain('SQLITE_READONLY')
    const read = await caught(db.all('SELECT 1'))
    expect(read).toBeInstanceOf(StoreUnavailableError)
    expect(described(read)).toMatch(/ConnectionFailed|CANTOPEN/)
    await rename(`${dir}.away`, dir)
    await db.batch([sql("INSERT INTO t VALUES ('a', 'x')")])
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'a' }])
  })

  it('reads one row with first: named by its columns and nothing else, or undefined', async () => {
    const { db } = await fileDb(adapter)
    await db.batch([sql("INSERT INTO t VALUES ('a', 'x'), ('b', 'y')")])
    // toStrictEqual: a driver's own extras (libsql's row `_metadata`) must not reach a model.
    expect(await db.first('SELECT id, v FROM t ORDER BY id')).toStrictEqual({ id: 'a', v: 'x' })
    expect(await db.first('SELECT v AS value FROM t WHERE id = ?', ['b'])).toStrictEqual({
      value: 'y',
    })
    expect(await db.first('SELECT id FROM t WHERE id = ?', ['none'])).toBeUndefined()
    // A first row read does not hold the table: a write goes through at once.
    await db.batch([sql("INSERT INTO t VALUES ('c', 'z')")])
    expect(await db.all('SELECT id FROM t ORDER BY id')).toStrictEqual([
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
    ])
  })

  it('leaves SQL errors as they are: a bug is a 500, not a 503', async () => {
    const { db } = await fileDb(adapter)
    const error = await caught(db.all('SELEC nonsense'))
    expect(error).not.toBeInstanceOf(StoreUnavailableError)
    expect(await caught(db.all('SELECT * FROM missing'))).not.toBeInstanceOf(StoreUnavailableError)
  })
})

describe('the @libsql/client adapter', () => {
  it('never reconnects an in-memory database, whose data lives on its connection', async () => {
    const client = createClient({ url: ':memory:' })
    cleanups.push(async () => client.close())
    const db = libsqlDatabase(client)
    await db.batch([sql('CREATE TABLE t (id TEXT)'), sql("INSERT INTO t VALUES ('a')")])
    await caught(db.all('SELEC nonsense'))
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'a' }])
  })
})

/** An error as the drivers throw one: its code (if any) as `code`, and its message. */
const driverError = (code: string | undefined, message: string): Error =>
  Object.assign(new Error(message), code === undefined ? {} : { code })

// SECURITY.md: "storage locked, read-only or gone | the adapters map those errors to a 503".
// Each row as the native driver throws it (the SQLite code, SQLite's own message) and as
// @libsql/client does (the code also at the head of its message).
const UNAVAILABLE: [what: string, code: string, message: string][] = [
  ['a write lock held elsewhere', 'SQLITE_BUSY', 'database is locked'],
  ['a table another connection locked', 'SQLITE_LOCKED', 'database table is locked'],
  ['a file gone read-only', 'SQLITE_READONLY', 'attempt to write a readonly database'],
  ['a folder moved away', 'SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database'],
  ['a failing disk', 'SQLITE_IOERR', 'disk I/O error'],
  ['a failed write', 'SQLITE_IOERR_WRITE', 'disk I/O error'],
  ['a file it cannot open', 'SQLITE_CANTOPEN', 'unable to open database file'],
  ['a full disk', 'SQLITE_FULL', 'database or disk is full'],
  ['a file that is not a database', 'SQLITE_NOTADB', 'file is not a database'],
  ['a corrupt file', 'SQLITE_CORRUPT', 'database disk image is malformed'],
  ['a client closed under the call', 'CLIENT_CLOSED', 'The client is closed'],
]

// A libSQL server out of reach, as Node's sockets and fetch report it.
const UNREACHABLE: [what: string, error: Error][] = [
  ['a refused connection', driverError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:8080')],
  ['a connection reset', driverError('ECONNRESET', 'read ECONNRESET')],
  ['a connection timed out', driverError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.5:8080')],
  ['a failed lookup', driverError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN db.example.turso.io')],
  [
    'a refused WebSocket',
    driverError(
      'HRANA_WEBSOCKET_ERROR',
      'HRANA_WEBSOCKET_ERROR: connect ECONNREFUSED 10.0.0.5:8080',
    ),
  ],
  ['a failed fetch', new TypeError('fetch failed')],
  [
    'a pool that cannot open a connection',
    driverError(
      undefined,
      'ConnectionFailed("Unable to open connection to local database /srv/g.db: 14")',
    ),
  ],
]

/** Whether `unavailableOr` made `error` a 503 that keeps it as its cause. */
const expectUnavailable = (error: Error) => {
  const mapped = unavailableOr(error)
  expect(mapped, `${(error as { code?: string }).code} ${error.message}`).toBeInstanceOf(
    StoreUnavailableError,
  )
  expect((mapped as Error).cause).toBe(error)
}

describe('unavailableOr: the driver errors that mean storage is unavailable (503)', () => {
  it.each(UNAVAILABLE)('maps %s (%s), by its code or its message', (_, code, message) => {
    expectUnavailable(driverError(code, message))
    expectUnavailable(driverError(code, `${code}: ${message}`))
    expectUnavailable(driverError(undefined, `${code}: ${message}`))
  })

  it.each(UNREACHABLE)('maps %s', (_, error) => expectUnavailable(error))

  it.each([
    ['SQLITE_MISUSE', 'bad parameter or other API misuse'],
    ['SQLITE_CONSTRAINT', 'UNIQUE constraint failed: t.id'],
    ['SQLITE_ERROR', 'no such table: missing'],
    ['SQLITE_TOOBIG', 'string or blob too big'],
  ])('leaves %s as it is: a bug is a 500', (code, message) => {
    for (const error of [driverError(code, message), driverError(code, `${code}: ${message}`)])
      expect(unavailableOr(error)).toBe(error)
  })
})

/** A port on this host with nothing listening: one the system gave us, then closed. */
const closedPort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('the @libsql/client adapter and a server out of reach', () => {
  it.each(['http', 'ws'])(
    'answers unavailable when a %s:// server refuses the connection',
    async (scheme) => {
      const client = createClient({ url: `${scheme}://127.0.0.1:${await closedPort()}` })
      cleanups.push(async () => client.close())
      const error = await caught(libsqlDatabase(client).all('SELECT 1'))
      expect(error).toBeInstanceOf(StoreUnavailableError)
    },
  )
})

describe('the native adapter (kept statements)', () => {
  it('counts the rows a batch statement changed, RETURNING ones by the rows they yield', async () => {
    const { db } = await fileDb('native')
    expect(
      await db.batch([
        sql("INSERT INTO t VALUES ('a', 'x'), ('b', 'x')"),
        sql("UPDATE t SET v = 'y' WHERE id = 'a' RETURNING id"),
        sql("DELETE FROM t WHERE id = 'nobody'"),
      ]),
    ).toEqual([2, 1, 0])
    // INSERT … RETURNING through `all` is one statement that yields its row.
    expect(await db.all("INSERT INTO t VALUES ('c', 'z') RETURNING id")).toEqual([{ id: 'c' }])
    expect(await db.all('SELECT id, v FROM t ORDER BY id')).toEqual([
      { id: 'a', v: 'y' },
      { id: 'b', v: 'x' },
      { id: 'c', v: 'z' },
    ])
  })

  it('binds every value as given, a single null included', async () => {
    const { db } = await fileDb('native')
    await db.batch([sql('INSERT INTO t VALUES (?, ?)', 'a', 'x')])
    expect(await db.all('SELECT id FROM t WHERE ? IS NULL', [null])).toEqual([{ id: 'a' }])
    expect(await db.all('SELECT ? AS n, ? AS s', [1.5, 'é'])).toEqual([{ n: 1.5, s: 'é' }])
  })

  it('sets its pragmas again on the connection it reopens after an outage', async () => {
    const { db, open } = await fileDb('native')
    expect(await db.all('PRAGMA synchronous')).toEqual([{ synchronous: 1 }])
    const lock = await open().transaction('write')
    await lock.execute("INSERT INTO t VALUES ('other', 'x')")
    expect(await caught(db.batch([sql("INSERT INTO t VALUES ('a', 'x')")]))).toBeInstanceOf(
      StoreUnavailableError,
    )
    await lock.rollback()
    expect(await db.all('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]) // NORMAL, not FULL
  })

  it('keeps working past its statement cache, with more distinct statements than it keeps', async () => {
    const { db } = await fileDb('native')
    for (let i = 0; i < 600; i++) expect(await db.all(`SELECT ${i} AS n`)).toEqual([{ n: i }])
  })
})

describe('openDatabase: locking mode of a file database', () => {
  const opened = async (locking?: 'NORMAL' | 'EXCLUSIVE') => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-locking-'))
    const path = join(dir, 'test.db')
    const { db, close } = await openDatabase({
      url: `file:${path}`,
      ...(locking ? { locking } : {}),
    })
    cleanups.push(async () => (close(), rm(dir, { recursive: true, force: true })))
    await db.batch([sql('CREATE TABLE t (id TEXT PRIMARY KEY)'), sql("INSERT INTO t VALUES ('a')")])
    return { db, path }
  }

  it('shares the file by default: the WAL index is the -shm file other processes lock', async () => {
    const { db, path } = await opened()
    expect(await db.all('PRAGMA locking_mode')).toEqual([{ locking_mode: 'normal' }])
    expect(existsSync(`${path}-shm`)).toBe(true)
    const other = createClient({ url: `file:${path}` })
    cleanups.push(async () => other.close())
    expect((await other.execute('SELECT id FROM t')).rows.map((r) => r.id)).toEqual(['a'])
  })

  it('EXCLUSIVE keeps the WAL index in memory (no -shm, no lock calls) and the file to itself', async () => {
    const { db, path } = await opened('EXCLUSIVE')
    expect(await db.all('PRAGMA locking_mode')).toEqual([{ locking_mode: 'exclusive' }])
    expect(await db.first('SELECT id FROM t')).toEqual({ id: 'a' })
    expect(existsSync(`${path}-shm`)).toBe(false)
    const other = createClient({ url: `file:${path}` })
    cleanups.push(async () => other.close())
    await expect(other.execute('SELECT id FROM t')).rejects.toThrow(/database is locked/)
  })
})
