import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, describe, expect, it } from 'vitest'
import { BUSY_TIMEOUT_MS } from '../../src/runtime/node/busy-timeout.ts'
import { openDatabase } from '../../src/runtime/node/database.ts'
import { sql, StoreUnavailableError } from '../../src/store/sql.ts'
import { API_KEY, TEST_ENV } from '../support/deterministic.ts'
import { startGateway } from '../support/node-process.ts'
import { SEED_BODY, USERS } from '../support/requests.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-shared-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Another process (as the `sqlite3` shell would) that takes the write lock on `path`, says so,
 * and holds it for `ms` before it commits.
 */
const holdWriteLock = async (dir: string, path: string, ms: number) => {
  const script = join(dir, 'hold.mjs')
  await writeFile(
    script,
    `import Database from ${JSON.stringify(import.meta.resolve('libsql'))}
    const db = new Database(${JSON.stringify(path)})
    db.exec('BEGIN IMMEDIATE')
    db.exec("INSERT INTO t VALUES ('other')")
    console.log('locked')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms})
    db.exec('COMMIT')
    db.close()`,
  )
  const child: ChildProcess = spawn(process.execPath, [script])
  const exited = new Promise((resolve) => child.on('exit', resolve))
  cleanups.push(async () => (child.kill(), exited))
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d
      if (output.includes('locked')) resolve()
    })
    child.stderr!.on('data', (d) => (output += d))
    child.on('exit', () => reject(new Error(`the lock holder exited:\n${output}`)))
  })
  // In an object: a promise returned from an async function would be awaited with it.
  return { exited }
}

const opened = async () => {
  const dir = await tempDir()
  const path = join(dir, 'shared.db')
  const { db, close } = await openDatabase({ url: `file:${path}` })
  cleanups.push(async () => close())
  await db.batch([sql('CREATE TABLE t (id TEXT PRIMARY KEY)')])
  return { dir, path, db }
}

const timed = async <T>(work: () => Promise<T>) => {
  const start = performance.now()
  const result = await work().catch((error: unknown) => error)
  return { result, ms: performance.now() - start }
}

describe('a database file shared with other processes (SQLITE_LOCKING=NORMAL)', () => {
  it("waits for another process's short write instead of failing as busy", async () => {
    const { dir, path, db } = await opened()
    const holder = await holdWriteLock(dir, path, 150)
    const { result } = await timed(() => db.batch([sql("INSERT INTO t VALUES ('mine')")]))
    expect(result).toEqual([1])
    await holder.exited
    expect(await db.all('SELECT id FROM t ORDER BY id')).toEqual([{ id: 'mine' }, { id: 'other' }])
  })

  it('waits a bounded time for a lock held longer, then fails as unavailable (503)', async () => {
    const { dir, path, db } = await opened()
    await holdWriteLock(dir, path, 5000)
    const { result, ms } = await timed(() => db.batch([sql("INSERT INTO t VALUES ('mine')")]))
    expect(result).toBeInstanceOf(StoreUnavailableError)
    expect(ms).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS * 0.8)
    expect(ms).toBeLessThan(BUSY_TIMEOUT_MS + 1500)
  })

  it('opens a file in rollback mode while another process writes it, and makes it WAL', async () => {
    // As a file the `sqlite3` shell created: SQLite's busy handler does not wait for a change
    // of journal mode, which fails at once as busy while another process holds the lock.
    const dir = await tempDir()
    const path = join(dir, 'shell.db')
    const shell = new Database(path)
    shell.exec('CREATE TABLE t (id TEXT PRIMARY KEY)')
    shell.close()
    const holder = await holdWriteLock(dir, path, 300)
    const { db, close } = await openDatabase({ url: `file:${path}` })
    cleanups.push(async () => close())
    await holder.exited
    expect(await db.all('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }])
    expect(await db.all('SELECT id FROM t')).toEqual([{ id: 'other' }])
  })

  it('starts two gateways at once on a fresh file, and neither loses a write', async () => {
    const dir = await tempDir()
    const env = { ...TEST_ENV, DATA_DIR: dir, DATABASE_URL: `file:${join(dir, 'gateway.db')}` }
    const gateways = await Promise.all([startGateway(env), startGateway(env)])
    cleanups.push(() => Promise.all(gateways.map((g) => g.stop())))
    const headers = { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' }
    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        fetch(gateways[i % 2]!.base + USERS, { method: 'POST', headers, body: SEED_BODY }).then(
          (res) => res.status,
        ),
      ),
    )
    expect(statuses.filter((s) => s !== 201)).toEqual([])
    const list = await fetch(`${gateways[0]!.base}${USERS}?limit=1`, { headers })
    expect(((await list.json()) as { total: number }).total).toBe(120)
  }, 30_000)
})
