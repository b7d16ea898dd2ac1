import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import type { SqlDatabase } from '../../src/store/index.ts'
import type { SqlValue } from '../../src/store/sql.ts'
import { createStore, StoreUnavailableError } from '../../src/store/index.ts'
import { API_KEY, TEST_ENV } from '../support/deterministic.ts'
import { USERS } from '../support/requests.ts'

const ORG_TOKEN = TEST_ENV.ORG_TOKENS
const ACCESS = 'Atza|secret-access-token-7f3a9c'
const REFRESH = 'Atzr|secret-refresh-token-51be0d'
const WRONG_KEY = 'wrong-api-key-that-is-still-a-secret'

const SECRETS = [
  API_KEY,
  ORG_TOKEN,
  TEST_ENV.TOKEN_SECRET,
  TEST_ENV.ENCRYPTION_KEY,
  ACCESS,
  REFRESH,
]

const bodies: [string, string][] = [
  ['application/json', JSON.stringify({ accessToken: ACCESS, refreshToken: REFRESH })],
  [
    'application/xml',
    `<x><accessToken>${ACCESS}</accessToken><refreshToken>${REFRESH}</refreshToken></x>`,
  ],
  ['text/csv', `accessToken,refreshToken\r\n${ACCESS},${REFRESH}\r\n`],
  [
    'application/x-www-form-urlencoded',
    `accessToken=${encodeURIComponent(ACCESS)}&refreshToken=${encodeURIComponent(REFRESH)}`,
  ],
  ['application/json', `{"accessToken":"${ACCESS}","refreshToken":"${REFRESH}"`], // malformed
  ['application/json', JSON.stringify({ accessToken: ACCESS })], // invalid: no refreshToken
  ['application/yaml', `accessToken: ${ACCESS}`], // unsupported
]

const post = (key: string, type: string, body: string): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': type, 'X-API-Key': key, 'CF-Connecting-IP': '203.0.113.7' },
  body,
})

/** A database that fails like a driver that echoes the statement and its parameters. */
const failingDb = (error: (message: string) => Error): SqlDatabase => ({
  all: async (sql, params = []) => {
    throw error(`${sql} ${JSON.stringify(params)}`)
  },
  first: async (sql, params = []) => {
    throw error(`${sql} ${JSON.stringify(params)}`)
  },
  batch: async (statements) => {
    throw error(JSON.stringify(statements))
  },
})

/**
 * A migrated database whose writes fail as `failingDb`'s statements do: a request passes the
 * migration check (`store.migrated()`, a read of `d1_migrations`) and reaches the INSERT,
 * whose parameters the error echoes.
 */
const writeFailingDb = (error: (message: string) => Error): SqlDatabase => {
  const failing = failingDb(error)
  const migrated = (sql: string) => sql.includes('FROM d1_migrations')
  return {
    all: async <T>(sql: string, params?: readonly SqlValue[]) =>
      migrated(sql) ? ([{ found: 1 }] as T[]) : failing.all<T>(sql, params),
    first: async <T>(sql: string, params?: readonly SqlValue[]) =>
      migrated(sql) ? ({ found: 1 } as T) : failing.first<T>(sql, params),
    batch: failing.batch,
  }
}

const expectNoSecretIn = (lines: string[]) => {
  const log = lines.join('\n')
  for (const secret of [...SECRETS, WRONG_KEY]) {
    expect(log).not.toContain(secret)
    expect(log).not.toContain(encodeURIComponent(secret))
  }
}

describe('secrets and tokens never reach the logs', () => {
  it('across successes, auth failures, bad bodies and bearer routes', async () => {
    const t = await makeTarget()
    for (const [type, body] of bodies) {
      await t.request(USERS, post(API_KEY, type, body))
      await t.request(USERS, post(WRONG_KEY, type, body))
    }
    for (let i = 0; i < 12; i++) await t.request(USERS, post(WRONG_KEY, ...bodies[0]!)) // → 429
    const bearer = { Authorization: `Bearer ${ORG_TOKEN}`, 'Content-Type': 'application/json' }
    await t.request('/widget/authenticate-user', {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ email: 'a@example.com', token: ACCESS }),
    })
    await t.request('/contacts', { headers: bearer })
    await t.request('/widget/contact', { headers: { Authorization: `Bearer ${ACCESS}` } })
    await t.request(`${USERS}?limit=${encodeURIComponent(ACCESS)}`, post(API_KEY, ...bodies[0]!))
    expect((await t.query('SELECT id FROM alexa_users')).length).toBeGreaterThan(0)
    expect(t.logger.lines.length).toBeGreaterThan(0)
    expectNoSecretIn(t.logger.lines)
  })

  it('in a forced 500 from the write: the error is logged with its trace id, the tokens are not', async () => {
    const t = await makeTarget({ store: createStore(writeFailingDb((m) => new Error(m))) })
    for (const [type, body] of bodies.slice(0, 4)) {
      const res = await t.request(USERS, post(API_KEY, type, body))
      expect(res.status).toBe(500)
      const text = await res.text()
      for (const secret of SECRETS) expect(text).not.toContain(secret)
      const logged = t.logger.lines.map((l) => JSON.parse(l)).at(-1)
      expect(logged).toMatchObject({
        message: 'unhandled error',
        traceId: res.headers.get('X-Trace-Id'),
        // The write was reached: what it logs is the INSERT that carries the tokens.
        errorMessage: expect.stringContaining('INSERT INTO alexa_users'),
      })
    }
    expect(t.logger.lines.filter((l) => l.includes('unhandled error'))).toHaveLength(4)
    expectNoSecretIn(t.logger.lines)
  })

  it('in a 503 from a store that fails the write as unavailable', async () => {
    const t = await makeTarget({
      store: createStore(
        writeFailingDb((m) => new StoreUnavailableError('database unavailable', { cause: m })),
      ),
    })
    for (const [type, body] of bodies.slice(0, 4)) {
      const res = await t.request(USERS, post(API_KEY, type, body))
      expect(res.status).toBe(503)
      const logged = t.logger.lines.map((l) => JSON.parse(l)).at(-1)
      expect(logged).toMatchObject({
        message: 'store unavailable',
        traceId: res.headers.get('X-Trace-Id'),
        cause: expect.stringContaining('INSERT INTO alexa_users'),
      })
    }
    expect(t.logger.lines.filter((l) => l.includes('store unavailable'))).toHaveLength(4)
    expectNoSecretIn(t.logger.lines)
  })
})

describe('the log of a 503 from an unavailable store says why', () => {
  it.each([
    [
      'the gateway found itself',
      new StoreUnavailableError('the database file was replaced'),
      {
        reason: 'the database file was replaced',
      },
    ],
    [
      'the driver gave as the cause',
      new StoreUnavailableError('database unavailable', {
        cause: Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      }),
      { reason: 'database unavailable', cause: 'SQLITE_BUSY: Error: database is locked' },
    ],
  ])('what %s', async (_, error, fields) => {
    const t = await makeTarget({ store: createStore(failingDb(() => error)) })
    expect((await t.request(USERS, { headers: { 'X-API-Key': API_KEY } })).status).toBe(503)
    const line = t.logger.lines
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'store unavailable')
    expect(line).toEqual({
      level: 'warn',
      message: 'store unavailable',
      traceId: expect.any(String),
      ...fields,
    })
  })
})
