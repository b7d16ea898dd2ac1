import { spawnSync } from 'node:child_process'
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/runtime/node/database.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { sqliteReads } from '../../src/runtime/node/sqlite-reads.ts'
import { contacts } from '../../src/store/contacts.ts'
import { applyMigrations } from '../../src/store/migrate.ts'
import { StoreUnavailableError } from '../../src/store/sql.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A migrated database file of `n` contacts in its own folder, and a read connection on it. */
const opened = async (n: number) => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-reads-'))
  const path = join(dir, 'test.db')
  const { db, close } = await openDatabase({ url: `file:${path}` })
  cleanups.push(() => rm(dir, { recursive: true, force: true }), close)
  await applyMigrations(db, await readMigrations())
  await db.all(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})
    INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
    SELECT printf('c%05d', i), 'u' || i || '@example.com', 'u' || i || '@example.com',
      json_object('n', i), '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'
    FROM n`)
  const reads = sqliteReads(path)
  cleanups.push(() => reads.close())
  return { dir, path, db, reads }
}

const readAll = async (next: () => Promise<{ items: { id: string }[]; end: boolean }>) => {
  const ids: string[] = []
  for (;;) {
    const { items, end } = await next()
    ids.push(...items.map((c) => c.id))
    if (end) return ids
  }
}

describe('sqliteReads', () => {
  it('answers reads as the gateway connection does, and sees its writes once committed', async () => {
    const { db, reads } = await opened(3)
    const sql = 'SELECT id, custom_data FROM contacts WHERE id > ? ORDER BY id'
    expect(await reads.all(sql, ['c00000'])).toEqual(await db.all(sql, ['c00000']))
    expect(await reads.first(sql, ['c00000'])).toEqual(await db.first(sql, ['c00000']))
    expect(await reads.first('SELECT id FROM contacts WHERE id = ?', ['none'])).toBeUndefined()
    await db.all(`DELETE FROM contacts WHERE id = 'c00001'`)
    expect(await reads.all('SELECT id FROM contacts ORDER BY id')).toEqual([
      { id: 'c00000' },
      { id: 'c00002' },
    ])
  })

  it('only reads: a statement that would write fails, and changes nothing', async () => {
    const { db, reads } = await opened(2)
    await expect(reads.all(`DELETE FROM contacts`)).rejects.toThrow('only reads')
    await expect(reads.batch([])).rejects.toThrow('only reads')
    expect(await db.all('SELECT id FROM contacts')).toHaveLength(2)
  })

  it('passes on an SQL error as an error, not as an unavailable store', async () => {
    const { reads } = await opened(1)
    const failed = await reads.first('SELECT nope FROM contacts').catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(Error)
    expect(failed).not.toBeInstanceOf(StoreUnavailableError)
    expect((failed as Error).message).toMatch(/no such column/)
  })

  it('is an unavailable store (503) while the file is gone, and reads again once it is back', async () => {
    const { dir, reads } = await opened(1)
    await rename(dir, `${dir}.away`)
    cleanups.push(() => rm(`${dir}.away`, { recursive: true, force: true }))
    // Its first read opens the connection: no file, no connection (not a new, empty file).
    await expect(reads.first('SELECT count(*) AS n FROM contacts')).rejects.toBeInstanceOf(
      StoreUnavailableError,
    )
    await rename(`${dir}.away`, dir)
    expect(await reads.first('SELECT count(*) AS n FROM contacts')).toEqual({ n: 1 })
  })

  it("feeds an export's batches: every contact once, in page order", async () => {
    const { db, reads } = await opened(1500)
    const ids = await readAll(contacts(db, { bulkReads: reads }).exportReader())
    expect(ids).toEqual(Array.from({ length: 1500 }, (_, i) => `c${String(i).padStart(5, '0')}`))
  })

  it('fails reads after close', async () => {
    const { reads } = await opened(1)
    await reads.first('SELECT 1 AS one')
    reads.close()
    await expect(reads.first('SELECT 1 AS one')).rejects.toBeInstanceOf(StoreUnavailableError)
  })

  it('does not keep a process alive once its reads are done', async () => {
    const { dir, path } = await opened(1)
    const script = join(dir, 'read.mjs')
    const module = new URL('../../src/runtime/node/sqlite-reads.ts', import.meta.url).href
    await writeFile(
      script,
      `import { sqliteReads } from ${JSON.stringify(module)}
      const reads = sqliteReads(${JSON.stringify(path)})
      console.log(JSON.stringify(await reads.first('SELECT count(*) AS n FROM contacts')))`,
    )
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 })
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('{"n":1}')
    expect(run.status).toBe(0) // it ended on its own, not killed at the timeout
  })
})
