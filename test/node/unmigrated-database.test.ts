import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app/create-app.ts'
import { openDatabase } from '../../src/runtime/node/database.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { createStore, LATEST_MIGRATION } from '../../src/store/index.ts'
import { testDeps } from '../support/deterministic.ts'
import { authenticate, AUTHENTICATE, CONTACTS, ORG_TOKEN } from '../support/opencx.ts'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * The gateway over a libSQL file holding `applied` of the migrations, opened as `npm start`
 * opens it but without migrating: a second process, or an older gateway's database. The
 * store's `migrated` counts the questions asked.
 */
const over = async (applied: 'all' | 'allButLast' | 'none') => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-unmigrated-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const url = `file:${join(dir, 'gateway.db')}`
  const migrations = await readMigrations()
  const some = { all: migrations, allButLast: migrations.slice(0, -1), none: [] }[applied]
  const { db, bulkReads, close } = await openDatabase({ url }, some)
  cleanups.push(close)
  const store = createStore(db, bulkReads ? { bulkReads } : {})
  const asked = { count: 0 }
  const migrated = store.migrated.bind(store)
  store.migrated = () => {
    asked.count++
    return migrated()
  }
  const { deps, clock, logger } = testDeps(store)
  const app = createApp(deps)
  /** Applies the rest on another connection, as a newer gateway starting on the file does. */
  const migrate = async () => (await openDatabase({ url }, migrations)).close()
  return { app, asked, clock, logger, migrate, db }
}

const list = { headers: { Authorization: `Bearer ${ORG_TOKEN}` } }

describe('a libSQL file without the latest migration', () => {
  it('asks the database once, and never again per request once it is migrated', async () => {
    const { app, asked } = await over('all')
    for (let i = 0; i < 5; i++) expect((await app.request(CONTACTS, list)).status).toBe(200)
    expect((await app.request(AUTHENTICATE, authenticate())).status).toBe(200)
    expect(asked.count).toBe(1)
    // The health check is the probe: it asks every time.
    for (let i = 0; i < 3; i++) expect((await app.request('/healthz')).status).toBe(200)
    expect(asked.count).toBe(4)
  })

  it('returns 503 asking at most every 5 s, and heals once another process migrates it', async () => {
    const { app, asked, clock, logger, migrate, db } = await over('allButLast')
    for (let i = 0; i < 5; i++) {
      const res = await app.request(AUTHENTICATE, authenticate())
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({
        code: 1090,
        detail: expect.stringContaining(`(${LATEST_MIGRATION})`),
        details: { retryAfterSeconds: 5 },
      })
    }
    expect(asked.count).toBe(1)
    clock.advance(4999)
    expect((await app.request(CONTACTS, list)).status).toBe(503)
    expect(asked.count).toBe(1)
    await migrate()
    expect(await db.all('SELECT id FROM contacts')).toEqual([])
    clock.advance(1)
    expect((await app.request(AUTHENTICATE, authenticate())).status).toBe(200)
    expect((await app.request(CONTACTS, list)).status).toBe(200)
    expect(asked.count).toBe(2)
    expect(logger.lines.filter((l) => l.includes('database not migrated'))).toHaveLength(1)
    expect(logger.lines.join('\n')).not.toContain('unhandled error')
  })

  it('returns 503, not a 500 naming no such table, on a file never migrated', async () => {
    const { app, logger } = await over('none')
    const res = await app.request(`${CONTACTS}.xml`, list)
    expect(res.status).toBe(503)
    expect(res.headers.get('Content-Type')).toContain('application/problem+xml')
    expect(logger.lines.join('\n')).not.toMatch(/no such table|unhandled error/)
  })
})
