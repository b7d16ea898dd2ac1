import { applyD1Migrations, createExecutionContext, env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/runtime/workers/worker.ts'
import { API_KEY } from '../support/deterministic.ts'
import { MEDIA_TYPES, SEED_BODY } from '../support/requests.ts'

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
})
