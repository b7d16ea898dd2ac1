import { makeTarget, makeUnmigratedTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { endpoints } from '../../src/app/create-app.ts'
import type { Endpoint } from '../../src/app/types.ts'
import { describeEndpoint } from '../../src/describe/operations.ts'
import { LATEST_MIGRATION, type Store } from '../../src/store/index.ts'
import { OP, opRequest } from '../support/cognito.ts'
import { API_KEY } from '../support/deterministic.ts'
import { authenticate, AUTHENTICATE, ORG_TOKEN } from '../support/opencx.ts'
import { parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'
import { createUserRequest, USERS } from '../support/requests.ts'
import type { Target } from '../support/target.ts'

const DETAIL =
  `The database does not have the latest migration (${LATEST_MIGRATION}): apply the ` +
  'migrations/ folder to it (on Workers: wrangler d1 migrations apply DB --remote).'

const route = (e: Endpoint) =>
  [e.name, e.method, e.path.replace(/:\w+/g, '000000000000000000000001')] as const
// As the endpoints declare it (`Endpoint.store`): every one needs the latest migration but
// those that say they never touch the database.
const STORE_ROUTES = endpoints.filter((e) => e.store !== false).map(route)
const STORELESS_ROUTES = endpoints.filter((e) => e.store === false).map(route)
// Those that answer their failures in their response DTO answer this one there too.
const IN_DTO = new Set(
  endpoints.filter((e) => describeEndpoint(e).failuresInResponse).map((e) => e.name),
)

/** A store any use of which fails: what answers over it never touched the database. */
const untouchable = new Proxy({} as Store, {
  get: (_, member) => {
    throw new Error(`the store was used (${String(member)})`)
  },
})

const notMigratedLines = (t: Target) =>
  t.logger.lines.filter((l) => l.includes('"message":"database not migrated"'))

const expectUnavailable = (res: Response) => {
  expect(res.status).toBe(503)
  expect(res.headers.get('Retry-After')).toBe('5')
}

describe('a database without the latest migration', () => {
  it.each(STORE_ROUTES)(
    'returns 503 with the /healthz problem on %s (%s %s) when never migrated',
    async (name, method, path) => {
      const t = await makeUnmigratedTarget('none')
      const res = await t.request(path, { method })
      expectUnavailable(res)
      if (IN_DTO.has(name)) {
        // The operation answers its failures in its own DTO, this one too.
        expect(res.headers.get('Content-Type')).toContain('application/json')
        expect(await res.json()).toMatchObject({ OpCode: 1090, ErrorText: DETAIL, Total: 0 })
      } else {
        expect(res.headers.get('Content-Type')).toContain('application/problem+json')
        expect(await res.json()).toMatchObject({
          type: '/problems/service-unavailable',
          status: 503,
          code: 1090,
          detail: DETAIL,
          instance: path,
          details: { retryAfterSeconds: 5 },
        })
      }
      const health = await t.request('/healthz')
      expectUnavailable(health)
      expect(await health.json()).toMatchObject({ code: 1090, detail: DETAIL })
    },
  )

  it('returns the 503 in the negotiated format: problem+xml, CSV, the DTO as XML', async () => {
    const t = await makeUnmigratedTarget('none')
    const xml = await t.request(USERS, createUserRequest('application/xml'))
    expectUnavailable(xml)
    expect(xml.headers.get('Content-Type')).toContain('application/problem+xml')
    const problem = parseXmlStrict(await xml.text())
    expect(problem.children.find((e) => e.name === 'code')?.text).toBe('1090')
    const csv = await t.request(`${USERS}.csv`, { headers: { 'X-API-Key': 'any' } })
    expectUnavailable(csv)
    expect(parseCsvStrict(await csv.text())).toMatchObject([{ code: '1090', detail: DETAIL }])
    const dto = await t.request(OP, opRequest({ EmailAddress: 'a@example.com' }, 'text/xml'))
    expectUnavailable(dto)
    const reply = parseXmlStrict(await dto.text())
    expect(reply.name).toBe('CognitoSendConfirmCodeResponse')
    expect(reply.children.find((e) => e.name === 'OpCode')?.text).toBe('1090')
  })

  it('logs it once until migrated, with the trace id of the request that found it', async () => {
    const t = await makeUnmigratedTarget('none')
    const first = await t.request(AUTHENTICATE, authenticate())
    expectUnavailable(first)
    expectUnavailable(await t.request(USERS, createUserRequest()))
    expectUnavailable(await t.request('/healthz'))
    expectUnavailable(await t.request(OP, opRequest({ EmailAddress: 'a@example.com' })))
    const lines = notMigratedLines(t).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'database not migrated',
        traceId: first.headers.get('X-Trace-Id'),
        latestMigration: LATEST_MIGRATION,
      },
    ])
    // No 500 was logged on the way.
    expect(t.logger.lines.join('\n')).not.toContain('unhandled error')
  })

  it('writes nothing, and serves once migrated without a new app', async () => {
    const t = await makeUnmigratedTarget('none')
    expectUnavailable(await t.request(AUTHENTICATE, authenticate()))
    expectUnavailable(await t.request(USERS, createUserRequest()))
    expectUnavailable(await t.request(OP, opRequest({ EmailAddress: 'a@example.com' })))
    expect(t.codeSender.sent).toEqual([])
    await t.migrate()
    expect(await t.query('SELECT id FROM contacts')).toEqual([])
    expect(await t.query('SELECT id FROM alexa_users')).toEqual([])
    expect(await t.query('SELECT email FROM cognito_users')).toEqual([])
    // The answer is kept for the Retry-After it gave; then the database is asked again.
    expectUnavailable(await t.request(AUTHENTICATE, authenticate()))
    t.clock.advance(5000)
    expect((await t.request(AUTHENTICATE, authenticate())).status).toBe(200)
    expect((await t.request(USERS, createUserRequest())).status).toBe(201)
    expect((await t.request(OP, opRequest({ EmailAddress: 'a@example.com' }))).status).toBe(200)
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(1)
    expect((await t.request('/healthz')).status).toBe(200)
    expect(notMigratedLines(t)).toHaveLength(1)
  })

  it('returns 503 on a database one migration behind, until a probe finds it migrated', async () => {
    const t = await makeUnmigratedTarget('allButLast')
    const res = await t.request(OP, opRequest({ EmailAddress: 'a@example.com' }))
    expectUnavailable(res)
    expect(await res.json()).toMatchObject({ OpCode: 1090, ErrorText: DETAIL })
    expectUnavailable(await t.request(USERS, createUserRequest()))
    expect(await t.query('SELECT id FROM alexa_users')).toEqual([])
    expect(t.codeSender.sent).toEqual([])
    await t.migrate()
    // A health probe asks every time: once it finds the migration, every route serves.
    expect((await t.request('/healthz')).status).toBe(200)
    expect((await t.request(OP, opRequest({ EmailAddress: 'a@example.com' }))).status).toBe(200)
    expect(t.codeSender.sent).toHaveLength(1)
  })

  it('documents a 503 on exactly the routes that answer one: those that use the store, and /healthz', async () => {
    const t = await makeUnmigratedTarget('none')
    const doc = await (await t.request('/openapi.json')).json<any>()
    const documented: Record<string, boolean> = {}
    for (const item of Object.values<any>(doc.paths))
      for (const op of Object.values<any>(item))
        if (op.operationId) documented[op.operationId] = op.responses['503'] !== undefined
    const answering = new Set(STORE_ROUTES.map(([name]) => name))
    expect(Object.keys(documented)).toEqual(expect.arrayContaining([...answering, 'index']))
    for (const [name, has503] of Object.entries(documented))
      expect(has503, name).toBe(answering.has(name))
  })

  it.each([
    '/',
    '/problems',
    '/problems/service-unavailable',
    '/openapi.json',
    '/metadata',
    '/docs',
  ])('returns 200 on %s, which needs no store', async (path) => {
    const t = await makeUnmigratedTarget('none')
    expect((await t.request(path)).status).toBe(200)
    const without = await makeTarget({ store: untouchable })
    expect((await without.request(path)).status).toBe(200)
  })

  it.each(STORELESS_ROUTES)(
    'answers %s (%s %s), which says it never touches the database, without it',
    async (_name, method, path) => {
      const t = await makeTarget({ store: untouchable })
      // With credentials, so that a route that checks them goes on to what it does.
      const headers = { 'X-API-Key': API_KEY, Authorization: `Bearer ${ORG_TOKEN}` }
      const res = await t.request(path, { method, headers })
      expect(res.status).toBeLessThan(500)
      expect(t.logger.lines.join('\n')).not.toContain('unhandled error')
    },
  )
})
