import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../app/types.ts'
import { API_CSP, SECURITY_HEADERS, send } from './response-headers.ts'

describe('SECURITY_HEADERS', () => {
  it("are exactly what hono's secureHeaders() sets for an API with the gateway's options", async () => {
    const app = new Hono()
    app.use(
      secureHeaders({
        contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        xFrameOptions: 'DENY',
        referrerPolicy: 'no-referrer',
        xContentTypeOptions: 'nosniff',
      }),
    )
    app.get('/', (c) => c.body(null, 204))
    const set = Object.fromEntries((await app.request('/')).headers)
    const ours = Object.fromEntries(
      Object.entries(SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value]),
    )
    expect(ours).toEqual(set)
    expect(ours['content-security-policy']).toBe(API_CSP)
  })
})

describe('send', () => {
  it("writes the gateway's headers with the handler's, a handler's Vary joining the gateway's", async () => {
    const app = new Hono<AppEnv>()
    app.use(async (c, next) => {
      c.set('traceId', 't-1')
      await next()
    })
    app.get('/', (c) =>
      send(c, 'hi', 200, {
        'Content-Type': 'text/plain; charset=utf-8',
        Vary: 'Origin',
        'Cache-Control': 'no-store',
      }),
    )
    const res = await app.request('/')
    expect(await res.text()).toBe('hi')
    expect(res.headers.get('vary')).toBe('Accept, Origin')
    expect(res.headers.get('x-trace-id')).toBe('t-1')
    expect(res.headers.get('cache-control')).toBe('no-store')
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(res.headers.get(name)).toBe(value)
  })

  it('names each Vary token once, whatever its case or how often the handler names it', async () => {
    const vary = async (handler: string) => {
      const app = new Hono<AppEnv>()
      app.get('/', (c) =>
        send(c, 'hi', 200, { 'Content-Type': 'text/plain; charset=utf-8', Vary: handler }),
      )
      return (await app.request('/')).headers.get('vary')
    }
    expect(await vary('accept')).toBe('Accept')
    expect(await vary('Origin, ACCEPT, origin')).toBe('Accept, Origin')
    expect(await vary('*')).toBe('*')
  })
})
