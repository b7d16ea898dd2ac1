import { mkdtemp, readdir, rename, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { afterEach, describe, expect, it } from 'vitest'
import { parseSecrets } from '../../src/config/secrets.ts'
import { startServer } from '../../src/runtime/node/server.ts'
import { API_KEY, memoryLogger, TEST_ENV } from '../support/deterministic.ts'
import { OP } from '../support/cognito.ts'
import { SEED_BODY, USERS } from '../support/requests.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The real Node server over a libSQL file in its own temp folder. */
const serve = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-faults-'))
  const file = join(dir, 'gateway.db')
  const logger = memoryLogger()
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: `file:${file}`,
    secrets: parseSecrets(TEST_ENV),
    logger,
  })
  cleanups.push(() => rm(`${dir}.away`, { recursive: true, force: true }))
  cleanups.push(() => rm(dir, { recursive: true, force: true }), server.close)
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  const headers = { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' }
  return {
    dir,
    file,
    logger,
    create: () => fetch(base + USERS, { method: 'POST', headers, body: SEED_BODY }),
    list: () => fetch(base + USERS, { headers }),
    health: () => fetch(`${base}/healthz`),
    send: (email: string) =>
      fetch(base + OP, { method: 'POST', headers, body: JSON.stringify({ EmailAddress: email }) }),
  }
}

const expectUnavailable = async (res: Response) => {
  expect(res.status).toBe(503)
  expect(res.headers.get('Retry-After')).toBe('5')
  expect(await res.json()).toMatchObject({ code: 1090, details: { retryAfterSeconds: 5 } })
}

describe('libSQL faults on the Node server', () => {
  it('answers 503 + Retry-After while another client holds the write lock, then recovers', async () => {
    const s = await serve()
    expect((await s.create()).status).toBe(201)
    const other = createClient({ url: `file:${s.file}` })
    cleanups.push(async () => other.close())
    const lock = await other.transaction('write') // BEGIN IMMEDIATE
    await lock.execute(`INSERT INTO alexa_users (id, created_at, last_changed, created_by,
      last_changed_by, access_token, refresh_token) VALUES ('x','t','t','o','o','a','r')`)
    await expectUnavailable(await s.create())
    // The ServiceStack operation answers it in its DTO, as its other failures.
    const dto = await s.send('a@example.com')
    expect(dto.status).toBe(503)
    expect(dto.headers.get('Retry-After')).toBe('5')
    expect(await dto.json()).toMatchObject({
      OpCode: 1090,
      ErrorText: 'Storage is unavailable; retry shortly.',
    })
    expect((await s.list()).status).toBe(200) // readers are not blocked by a writer
    await lock.rollback()
    expect((await s.create()).status).toBe(201)
    const list = (await (await s.list()).json()) as { total: number }
    expect(list.total).toBe(2)
    expect(s.logger.lines.some((l) => l.includes('SQLITE_BUSY'))).toBe(true)
  })

  it('answers 503 while its folder is moved away, and recovers when it returns', async () => {
    const s = await serve()
    expect((await s.create()).status).toBe(201)
    await rename(s.dir, `${s.dir}.away`)
    for (let i = 0; i < 5; i++) await expectUnavailable(await s.create())
    await expectUnavailable(await s.health()) // for the load balancer
    await rename(`${s.dir}.away`, s.dir)
    expect((await s.create()).status).toBe(201)
    expect(((await (await s.list()).json()) as { total: number }).total).toBe(2)
    expect(s.logger.lines.filter((l) => l.includes('unhandled error'))).toEqual([])
  })

  it('never acknowledges a write into a deleted folder (WAL would take it, and lose it)', async () => {
    const s = await serve()
    expect((await s.create()).status).toBe(201)
    await rm(s.dir, { recursive: true })
    for (let i = 0; i < 5; i++) await expectUnavailable(await s.create())
    await expectUnavailable(await s.list())
    expect(s.logger.lines.filter((l) => l.includes('unhandled error'))).toEqual([])
  })

  it('uses WAL, so readers never wait for a writer', async () => {
    const s = await serve()
    expect((await s.create()).status).toBe(201)
    expect(await readdir(s.dir)).toContain('gateway.db-wal')
  })

  it('answers 503 to every one of 50 concurrent writes while its folder is gone, then recovers', async () => {
    const s = await serve()
    await rename(s.dir, `${s.dir}.away`)
    const results = await Promise.all(Array.from({ length: 50 }, () => s.create()))
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([503]))
    await rename(`${s.dir}.away`, s.dir)
    expect((await s.create()).status).toBe(201)
  })

  it('keeps serving everything that needs no storage while it is gone', async () => {
    const s = await serve()
    expect((await s.create()).status).toBe(201)
    // Deleted, not moved: once a write found it gone, reads fail too.
    await rm(s.dir, { recursive: true })
    await expectUnavailable(await s.create())
    await expectUnavailable(await s.list())
    const health = await s.health()
    await expectUnavailable(health)
    const base = health.url.replace('/healthz', '')
    // README: "the routes that need no database (`/`, `/problems`, `/docs`, `/openapi.json`,
    // `/metadata`) keep answering", with the pages and files under them.
    for (const path of [
      '/',
      '/problems',
      '/problems/service-unavailable',
      '/openapi.json',
      '/docs',
      '/docs/swagger-ui.css',
      '/metadata',
      `/json/metadata?op=${OP.slice(1)}`,
    ]) {
      const res = await fetch(base + path)
      expect(res.status, path).toBe(200)
      expect((await res.text()).length, path).toBeGreaterThan(0)
    }
  })
})
