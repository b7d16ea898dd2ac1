import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { describe, expect, it } from 'vitest'
import { API_CSP, SECURITY_HEADERS } from './response-headers.ts'

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
