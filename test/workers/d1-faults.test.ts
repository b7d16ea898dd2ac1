import { applyD1Migrations, env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app/create-app.ts'
import { d1Database } from '../../src/store/d1.ts'
import { createStore } from '../../src/store/index.ts'
import { sql, StoreUnavailableError } from '../../src/store/sql.ts'
import { OP, opRequest } from '../support/cognito.ts'
import { testDeps } from '../support/deterministic.ts'
import { parseCsvStrict } from '../support/parsers.ts'
import { createUserRequest, USERS } from '../support/requests.ts'

beforeEach(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  await env.DB.prepare('DELETE FROM alexa_users').run()
})

const ROW = `INSERT INTO alexa_users (id, created_at, last_changed, created_by, last_changed_by,
  access_token, refresh_token) VALUES (?, 't', 't', 'o', 'o', 'a', 'r')`

/** The D1 binding, failing with `outage.message` while it is set — as D1 itself throws. */
const flaky = (db: D1Database, outage: { message?: string }): D1Database => {
  const check = () => {
    if (outage.message) throw new Error(outage.message)
  }
  const real = new WeakMap<object, D1PreparedStatement>()
  return {
    prepare: (query: string) => ({
      bind: (...values: unknown[]) => {
        const bound = db.prepare(query).bind(...values)
        const statement = {
          all: async () => (check(), bound.all()),
          first: async () => (check(), bound.first()),
          run: async () => (check(), bound.run()),
        }
        real.set(statement, bound)
        return statement
      },
    }),
    batch: async (statements: object[]) => (check(), db.batch(statements.map((s) => real.get(s)!))),
  } as unknown as D1Database
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('D1 faults', () => {
  it('rolls back a whole batch when its second statement fails', async () => {
    const db = d1Database(env.DB)
    await db.batch([sql(ROW, 'keep')])
    const error = await caught(db.batch([sql(ROW, 'new'), sql(ROW, 'keep')]))
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(StoreUnavailableError)
    expect(await db.all('SELECT id FROM alexa_users')).toEqual([{ id: 'keep' }])
  })

  it.each([
    'D1_ERROR: Network connection lost.',
    'D1_ERROR: D1 DB reset because its code was updated.',
    'D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.',
    'D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.',
    'D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.',
    'D1 DB is overloaded. Requests queued for too long.',
    "D1_ERROR: D1 DB's isolate exceeded its memory limit and was reset.",
    'D1_ERROR: D1 DB exceeded its CPU time limit and was reset.',
    'D1_ERROR: Exceeded maximum DB size.',
    'D1_ERROR: database is locked: SQLITE_BUSY',
  ])('maps "%s" to unavailable', async (message) => {
    const db = d1Database(flaky(env.DB, { message }))
    expect(await caught(db.all('SELECT 1'))).toBeInstanceOf(StoreUnavailableError)
    expect(await caught(db.batch([sql(ROW, 'a')]))).toBeInstanceOf(StoreUnavailableError)
  })

  // Each text the adapter matches, alone in a message, so none of them goes unnoticed: some
  // messages above carry two.
  it.each([
    'SQLITE_BUSY',
    'database is locked',
    'overloaded',
    'Network connection lost',
    'D1 DB storage',
    'caused object to be reset',
    'reset because its code was updated',
    'transient issue',
    'exceeded its memory limit',
    'exceeded its CPU time limit',
    'Exceeded maximum DB size',
  ])('maps a message carrying only "%s" to unavailable', async (text) => {
    const db = d1Database(flaky(env.DB, { message: `D1_ERROR: ${text}.` }))
    expect(await caught(db.all('SELECT 1'))).toBeInstanceOf(StoreUnavailableError)
  })

  it.each([
    'D1_ERROR: no such table: users: SQLITE_ERROR',
    'D1_ERROR: UNIQUE constraint failed: alexa_users.id: SQLITE_CONSTRAINT',
    'D1_ERROR: No SQL statements detected.',
    "D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'",
  ])('leaves "%s" as it is (a bug: 500)', async (message) => {
    const db = d1Database(flaky(env.DB, { message }))
    for (const error of [
      await caught(db.all('SELECT 1')),
      await caught(db.batch([sql(ROW, 'a')])),
    ]) {
      expect(error).toBeInstanceOf(Error)
      expect(error).not.toBeInstanceOf(StoreUnavailableError)
      expect((error as Error).message).toBe(message)
    }
  })

  it('leaves a real SQL error from D1 as it is (a bug: 500)', async () => {
    const db = d1Database(env.DB)
    expect(await caught(db.all('SELEC nonsense'))).not.toBeInstanceOf(StoreUnavailableError)
    expect(await caught(db.all('SELECT * FROM missing'))).not.toBeInstanceOf(StoreUnavailableError)
  })

  it('answers 503 + Retry-After while D1 is down, stores nothing, and recovers', async () => {
    const outage: { message?: string } = { message: 'D1_ERROR: Network connection lost.' }
    const { deps } = testDeps(createStore(d1Database(flaky(env.DB, outage))))
    const app = createApp(deps)
    for (const accept of ['application/json', 'text/csv']) {
      const res = await app.request(USERS, createUserRequest(accept))
      expect(res.status).toBe(503)
      expect(res.headers.get('Retry-After')).toBe('5')
    }
    expect((await app.request('/healthz')).status).toBe(503)
    // The ServiceStack operation answers it in its DTO, as its other failures.
    const dto = await app.request(OP, opRequest({ EmailAddress: 'a@example.com' }, 'text/csv'))
    expect(dto.status).toBe(503)
    expect(dto.headers.get('Retry-After')).toBe('5')
    expect(parseCsvStrict(await dto.text())).toMatchObject([
      { OpCode: '1090', ErrorText: 'Storage is unavailable; retry shortly.' },
    ])
    expect((await env.DB.prepare('SELECT id FROM alexa_users').all()).results).toEqual([])
    delete outage.message
    expect((await app.request(USERS, createUserRequest())).status).toBe(201)
    expect((await app.request('/healthz')).status).toBe(200)
  })
})
