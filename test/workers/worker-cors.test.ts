import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/runtime/workers/worker.ts'
import { EXPOSED_HEADERS } from '../support/security-headers.ts'

const call = (bindings: Record<string, unknown>, init: RequestInit, path = '/healthz') =>
  worker.fetch(
    new Request(`https://gateway.example${path}`, init) as Request<
      unknown,
      IncomingRequestCfProperties
    >,
    { ...env, ...bindings } as typeof env,
    createExecutionContext(),
  )

describe('the Worker entry reads CORS_ORIGINS', () => {
  const preflight = {
    method: 'OPTIONS',
    headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
  }

  it('answers preflights for the origins in CORS_ORIGINS', async () => {
    const res = await call(
      { CORS_ORIGINS: 'https://other.example, https://app.example' },
      preflight,
    )
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it("allows a bearer route's preflight the Authorization header", async () => {
    const res = await call(
      { CORS_ORIGINS: 'https://app.example' },
      {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      },
      '/widget/contact',
    )
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(/, */)
    expect(allowed).toContain('authorization')
  })

  it('exposes exactly the documented response headers, WWW-Authenticate among them', async () => {
    const res = await call(
      { CORS_ORIGINS: 'https://app.example' },
      { headers: { Origin: 'https://app.example' } },
      '/',
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(res.headers.get('access-control-expose-headers')!.split(/, */).sort()).toEqual(
      EXPOSED_HEADERS,
    )
  })

  it('keeps CORS off without it', async () => {
    const res = await call({}, preflight)
    expect(res.status).toBe(405)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })
})
