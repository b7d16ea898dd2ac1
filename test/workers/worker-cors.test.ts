import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/runtime/workers/worker.ts'

const call = (bindings: Record<string, unknown>, init: RequestInit) =>
  worker.fetch(
    new Request('https://gateway.example/healthz', init) as Request<
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

  it('keeps CORS off without it', async () => {
    const res = await call({}, preflight)
    expect(res.status).toBe(405)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })
})
