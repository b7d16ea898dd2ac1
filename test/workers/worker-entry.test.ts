import { applyD1Migrations, createExecutionContext, env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/runtime/workers/worker.ts'
import { API_KEY } from '../support/deterministic.ts'
import { MEDIA_TYPES, SEED_BODY, USERS } from '../support/requests.ts'

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
})

describe('the Worker entry (wrangler.toml main) on D1', () => {
  it.each(MEDIA_TYPES)("answers the seed's curl with 201 in %s", async (accept) => {
    const res = await SELF.fetch('https://gateway.example/new/v2.0/external/alexa/users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': API_KEY, Accept: accept },
      body: SEED_BODY,
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('Content-Type')).toContain(accept)
    const id = res.headers.get('Location')!.split('/').at(-1)!
    const row = await env.DB.prepare('SELECT access_token FROM alexa_users WHERE id = ?')
      .bind(id)
      .first()
    expect(row?.access_token).toMatch(/^v1\./)
  })

  it.each(['/', '/openapi.json', '/no/such/route', '/v2.0/external/alexa/users.csv'])(
    'answers HEAD %s with the Content-Length of its GET',
    async (path) => {
      const init = { headers: { 'X-API-Key': API_KEY } }
      const get = await SELF.fetch(`https://gateway.example${path}`, init)
      const length = (await get.arrayBuffer()).byteLength
      const head = await SELF.fetch(`https://gateway.example${path}`, { ...init, method: 'HEAD' })
      expect(head.status).toBe(get.status)
      expect(head.headers.get('Content-Length')).toBe(String(length))
    },
  )

  it('counts failed authentications per CF-Connecting-IP: 10 wrong keys, then 429 for that address only', async () => {
    const from = (ip: string, key: string) =>
      SELF.fetch(`https://gateway.example${USERS}`, {
        headers: { 'CF-Connecting-IP': ip, 'X-API-Key': key },
      })
    for (let i = 0; i < 10; i++)
      expect((await from('203.0.113.77', 'wrong-key-0123456789abcdef')).status).toBe(401)
    const refused = await from('203.0.113.77', API_KEY)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('300')
    expect((await from('198.51.100.99', API_KEY)).status).toBe(200)
  })

  it('gives every answer a trace id of its own, in the documented shape', async () => {
    // README's trace id: `api--` and a UUID (`api--6f1c9e2a-8d3b-4c4e-9a51-0b7d2e3f4a5c`).
    const shape = /^api--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    const ids = []
    for (const path of ['/healthz', '/healthz', USERS]) {
      const res = await SELF.fetch(`https://gateway.example${path}`)
      await res.arrayBuffer()
      ids.push(res.headers.get('X-Trace-Id'))
    }
    for (const id of ids) expect(id).toMatch(shape)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('refuses to serve when an organisation token holds a character no bearer header carries', async () => {
    const res = await worker.fetch(
      new Request('https://gateway.example/healthz') as Request<
        unknown,
        IncomingRequestCfProperties
      >,
      { ...env, ORG_TOKENS: 'org!token:with#chars1234' },
      createExecutionContext(),
    )
    expect(res.status).toBe(500)
    expect(await res.json<any>()).toMatchObject({ code: 1100, title: 'Server Not Configured' })
  })

  it('refuses to serve when its secrets are not bound', async () => {
    const res = await worker.fetch(
      new Request('https://gateway.example/healthz') as Request<
        unknown,
        IncomingRequestCfProperties
      >,
      { DB: env.DB },
      createExecutionContext(),
    )
    expect(res.status).toBe(500)
    expect(await res.json<any>()).toMatchObject({ code: 1100, title: 'Server Not Configured' })
  })

  const call = (bindings: Record<string, unknown>, path: string, init?: RequestInit) =>
    worker.fetch(
      new Request(`https://gateway.example${path}`, init) as Request<
        unknown,
        IncomingRequestCfProperties
      >,
      { ...env, ...bindings } as typeof env,
      createExecutionContext(),
    )

  it.each([
    ['a lifetime out of range', { CONTACT_TOKEN_TTL_SECONDS: '10' }],
    ['a lifetime that is no number', { CONTACT_TOKEN_TTL_SECONDS: 'a day' }],
    ['origins that are no text', { CORS_ORIGINS: 5 }],
    ['an origin no browser sends (a trailing slash)', { CORS_ORIGINS: 'https://app.example/' }],
    ['an origin that is no URL', { CORS_ORIGINS: 'not a url' }],
    ['no D1 binding', { DB: undefined }],
    ['the D1 database bound under another name', { DB: undefined, DATABASE: env.DB }],
    [
      'a webhook on a port fetch refuses',
      {
        CODE_WEBHOOK_URL: 'https://mail.example:25/codes',
        CODE_WEBHOOK_SECRET: 'whsec_0123456789',
      },
    ],
  ])('refuses to serve, with a problem and not a thrown error, given %s', async (_, bindings) => {
    for (const path of ['/healthz', '/v2.0/external/alexa/users']) {
      const res = await call(bindings, path, { headers: { 'X-API-Key': API_KEY } })
      expect(res.status).toBe(500)
      expect(res.headers.get('X-Trace-Id')).toMatch(/^api--/)
      expect(await res.json<any>()).toMatchObject({ code: 1100, title: 'Server Not Configured' })
    }
  })

  it('reads NODE_ENV in any letter case, and anything but development as production', async () => {
    for (const [NODE_ENV, status] of [
      ['development', 200],
      ['Development', 200],
      ['PRODUCTION', 500],
      ['prod', 500],
    ] as const) {
      const res = await call({ NODE_ENV }, '/healthz')
      expect(res.status, NODE_ENV).toBe(status)
    }
  })

  it('takes a lifetime and origins as TOML vars give them: a number and a list', async () => {
    const origin = 'https://app.example'
    const res = await call(
      { CONTACT_TOKEN_TTL_SECONDS: 3600, CORS_ORIGINS: [origin, 'https://b.example'] },
      '/healthz',
      { headers: { Origin: origin } },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(origin)
  })

  it('refuses to serve outside development without a confirmation-code sender', async () => {
    for (const NODE_ENV of [undefined, 'production']) {
      const res = await call({ NODE_ENV }, '/healthz')
      expect(res.status, String(NODE_ENV)).toBe(500)
      expect(await res.json<any>()).toMatchObject({ code: 1100 })
    }
  })

  it('delivers codes through CODE_WEBHOOK_URL, a failed delivery a 502 DTO', async () => {
    const bindings = {
      NODE_ENV: 'production',
      // Nothing listens there: the delivery fails, and says so without the code.
      CODE_WEBHOOK_URL: 'https://127.0.0.1:47/codes',
      CODE_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      CODE_WEBHOOK_TIMEOUT_MS: '2000',
    }
    expect((await call(bindings, '/healthz')).status).toBe(200)
    const res = await call(bindings, '/CognitoSendConfirmCodeRequest', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"EmailAddress":"ada@example.com"}',
    })
    expect(res.status).toBe(502)
    expect(await res.json<any>()).toMatchObject({ OpCode: 2007, Total: 0 })
  })
})
