import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import type { SqlDatabase } from '../../src/store/index.ts'
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

  it('in a forced 500: the error is logged with its trace id, the tokens are not', async () => {
    const t = await makeTarget({ store: createStore(failingDb((m) => new Error(m))) })
    for (const [type, body] of bodies.slice(0, 4)) {
      const res = await t.request(USERS, post(API_KEY, type, body))
      expect(res.status).toBe(500)
      const text = await res.text()
      for (const secret of SECRETS) expect(text).not.toContain(secret)
    }
    expect(t.logger.lines.filter((l) => l.includes('unhandled error'))).toHaveLength(4)
    expectNoSecretIn(t.logger.lines)
  })

  it('in a 503 from an unavailable store', async () => {
    const t = await makeTarget({
      store: createStore(
        failingDb((m) => new StoreUnavailableError('database unavailable', { cause: m })),
      ),
    })
    for (const [type, body] of bodies.slice(0, 4)) {
      expect((await t.request(USERS, post(API_KEY, type, body))).status).toBe(503)
    }
    expect(t.logger.lines.some((l) => l.includes('store unavailable'))).toBe(true)
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
