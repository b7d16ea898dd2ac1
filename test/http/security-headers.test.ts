import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { PAGE_STYLE } from '../../src/formats/html-page.ts'
import { AUTHENTICATE, bearer, CONTACTS, WIDGET_CONTACT } from '../support/opencx.ts'
import { authed, createUserRequest, USERS } from '../support/requests.ts'
import { EXPOSED_HEADERS } from '../support/security-headers.ts'

const SECURE = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

const expectSecure = (res: Response) => {
  for (const [name, value] of Object.entries(SECURE)) expect(res.headers.get(name)).toBe(value)
  expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/)
  expect(res.headers.get('x-powered-by')).toBeNull()
  expect(res.headers.get('x-trace-id')).toMatch(/^api--/)
  expect(res.headers.get('vary')).toMatch(/\bAccept\b/)
}

describe('secure headers', () => {
  it.each([
    ['a created resource', USERS, createUserRequest()],
    ['a CSV collection', USERS, authed('text/csv')],
    ['an XML collection', `${USERS}.xml`, authed()],
    ['the HAL index', '/', { headers: { Accept: 'application/hal+json' } }],
    ['a 401 problem', USERS, {}],
    ['a 404 problem', '/nope', {}],
    ['a 406 problem', USERS, authed('image/png')],
    ['a 405 problem', USERS, { method: 'PUT' }],
    // Responses a handler builds itself: a document, a stream, a HEAD.
    ['the OpenAPI document', '/openapi.json', {}],
    ['a streamed export', '/contacts/export.csv', bearer()],
    ['a HEAD of a collection', USERS, { ...authed(), method: 'HEAD' }],
  ] as [string, string, RequestInit][])(
    'are on %s: nosniff, frame deny, no referrer, a strict CSP',
    async (_, path, init) => {
      const t = await makeTarget()
      expectSecure(await t.request(path, init))
    },
  )

  it('are on a 500 problem too', async () => {
    const t = await makeTarget({
      newId: () => {
        throw new Error('id source down')
      },
    })
    const res = await t.request(USERS, createUserRequest())
    expect(res.status).toBe(500)
    expectSecure(res)
  })
})

describe('Cache-Control', () => {
  it.each([
    ['an API key read', USERS, authed()],
    ['an API key read as CSV', `${USERS}.csv`, authed()],
    ['an organisation read', '/contacts', bearer()],
    ['a refused key', USERS, { headers: { 'X-API-Key': 'wrong-key-0123456789abcdef' } }],
  ])(
    'says no-store to %s: no shared cache keeps what credentials fetched',
    async (_, path, init) => {
      const t = await makeTarget()
      const res = await t.request(path, init)
      expect(res.headers.get('Cache-Control')).toBe('no-store')
    },
  )

  it('leaves a request without credentials to the handler: the docs stay cacheable', async () => {
    const t = await makeTarget()
    expect((await t.request('/')).headers.get('Cache-Control')).toBeNull()
    const docs = await t.request('/docs/swagger-ui.css')
    expect(docs.headers.get('Cache-Control')).toBe('public, max-age=3600')
  })
})

describe('document policies', () => {
  const csp = (res: Response) => res.headers.get('content-security-policy')

  it("let an HTML page's own stylesheet in by its hash, and nothing else", async () => {
    const t = await makeTarget()
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(PAGE_STYLE))
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)))
    for (const res of [
      await t.request('/', { headers: { Accept: 'text/html' } }), // written by respond()
      await t.request('/metadata'), // written by its handler
    ]) {
      expect(csp(res)).toBe(
        `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; ` +
          "form-action 'none'; frame-ancestors 'none'",
      )
    }
  })

  it('give XML a browser displays its viewer styles, problems too, and keep API clients strict', async () => {
    const t = await makeTarget()
    const view = { 'Sec-Fetch-Dest': 'document' }
    for (const [path, init] of [
      ['/healthz.xml', { headers: view }],
      [`${USERS}.xml`, { headers: view }], // a 401 problem+xml
    ] as [string, RequestInit][]) {
      const res = await t.request(path, init)
      expect(csp(res)).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
      )
      expect(res.headers.get('vary')).toBe('Accept, Sec-Fetch-Dest')
    }
    const api = await t.request('/healthz.xml')
    expect(csp(api)).toBe(SECURE['content-security-policy'])
    expect(api.headers.get('vary')).toBe('Accept')
  })

  it('let /docs run Swagger UI from this origin, and only there', async () => {
    const t = await makeTarget()
    // Scripts, styles and calls only from this origin; inline styles (Swagger UI sets `style`
    // attributes) but never inline script; its SVG icons as data: images.
    expect(csp(await t.request('/docs'))).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'none'",
    )
    expect(csp(await t.request('/docs/missing.js'))).toBe(SECURE['content-security-policy'])
  })
})

describe('CORS', () => {
  const ORIGIN = 'https://app.example'
  const preflight = (
    origin: string,
    method = 'POST',
    requestHeaders = 'x-api-key, content-type',
  ): RequestInit => ({
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': requestHeaders,
    },
  })
  const exposedBy = (res: Response) =>
    res.headers.get('access-control-expose-headers')!.split(/, */).sort()

  it('is off by default: no Access-Control header, and a preflight is a 405', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, authed('application/json', { headers: { Origin: ORIGIN } }))
    expect(res.status).toBe(200)
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([])
    const pre = await t.request(USERS, preflight(ORIGIN))
    expect(pre.status).toBe(405)
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a preflight from a configured origin with what a browser needs', async () => {
    const t = await makeTarget({ corsOrigins: [ORIGIN] })
    const res = await t.request(USERS, preflight(ORIGIN))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(',')
    expect(allowed).toEqual(expect.arrayContaining(['x-api-key', 'content-type', 'accept']))
    expect(res.headers.get('access-control-max-age')).toBe('600')
    expect(res.headers.get('vary')).toMatch(/Origin/)
    expectSecure(res)
  })

  it.each([
    ['POST', AUTHENTICATE, 'authorization, content-type'],
    ['GET', CONTACTS, 'authorization'],
    ['GET', WIDGET_CONTACT, 'authorization'],
  ])(
    'answers a preflight for %s %s, a bearer route, allowing the Authorization header',
    async (method, path, requestHeaders) => {
      const t = await makeTarget({ corsOrigins: [ORIGIN] })
      const res = await t.request(path, preflight(ORIGIN, method, requestHeaders))
      expect(res.status).toBe(204)
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
      expect(res.headers.get('access-control-allow-methods')).toContain(method)
      const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(/, */)
      expect(allowed).toEqual(expect.arrayContaining(requestHeaders.split(', ')))
    },
  )

  it('exposes exactly the trace id, Location, Link, X-Total-Count, Retry-After, WWW-Authenticate and a download name to a configured origin', async () => {
    const t = await makeTarget({ corsOrigins: [ORIGIN, 'https://other.example'] })
    const res = await t.request(USERS, {
      ...createUserRequest(),
      headers: { ...createUserRequest().headers, Origin: ORIGIN },
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    expect(exposedBy(res)).toEqual(EXPOSED_HEADERS)
    expect(res.headers.get('vary')).toMatch(/Accept/)
    expect(res.headers.get('vary')).toMatch(/Origin/)
  })

  it('lets a configured origin read an error problem', async () => {
    const t = await makeTarget({ corsOrigins: [ORIGIN] })
    const res = await t.request(USERS, { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(401)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(exposedBy(res)).toEqual(EXPOSED_HEADERS)
  })

  it('lets a configured origin read why a bearer route refused its token (WWW-Authenticate)', async () => {
    const t = await makeTarget({ corsOrigins: [ORIGIN] })
    const res = await t.request(WIDGET_CONTACT, {
      headers: { Origin: ORIGIN, Authorization: 'Bearer not-a-contact-token' },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /)
    expect(exposedBy(res)).toContain('WWW-Authenticate')
  })

  it.each([
    ['a resource', USERS, authed()],
    ['a problem', USERS, { headers: {} }],
    ['a streamed export', '/contacts/export.csv', bearer()],
    ['the documentation page', '/docs', {}],
  ] as [string, string, RequestInit][])(
    'grants a configured origin %s, varying on Origin once',
    async (_, path, init) => {
      const t = await makeTarget({ corsOrigins: [ORIGIN] })
      const res = await t.request(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), Origin: ORIGIN },
      })
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
      expect(res.headers.get('access-control-expose-headers')).toContain('X-Trace-Id')
      const vary = res.headers.get('vary')!.split(/, */)
      expect(vary.filter((token) => token === 'Origin')).toHaveLength(1)
      expect(vary.filter((token) => token === 'Accept')).toHaveLength(1)
      await res.arrayBuffer()
    },
  )

  it('grants any origin with "*", and then does not vary on Origin', async () => {
    const t = await makeTarget({ corsOrigins: ['*'] })
    for (const origin of [ORIGIN, 'https://other.example', undefined]) {
      const res = await t.request(
        USERS,
        authed('application/json', origin ? { headers: { Origin: origin } } : {}),
      )
      expect(res.status).toBe(200)
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      expect(res.headers.get('vary')).toBe('Accept')
    }
    const pre = await t.request(USERS, preflight('https://other.example'))
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('grants nothing to an origin that is not configured', async () => {
    const t = await makeTarget({ corsOrigins: [ORIGIN] })
    const pre = await t.request(USERS, preflight('https://evil.example'))
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
    const res = await t.request(USERS, authed('application/json', { headers: { Origin: 'null' } }))
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})
