import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

describe('GET /docs', () => {
  it('serves Swagger UI on /openapi.json, from this origin only', async () => {
    const t = await makeTarget()
    const res = await t.request('/docs', { headers: { Accept: BROWSER } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    const csp = Object.fromEntries(
      res.headers
        .get('Content-Security-Policy')!
        .split(/; */)
        .map((directive) => [directive.split(' ', 1)[0], directive]),
    )
    // Scripts and calls from this origin and nowhere else, no inline script, nothing framing it,
    // no <base> or form redirecting it elsewhere.
    expect(csp).toMatchObject({
      'default-src': "default-src 'none'",
      'script-src': "script-src 'self'",
      'connect-src': "connect-src 'self'",
      'base-uri': "base-uri 'none'",
      'form-action': "form-action 'none'",
      'frame-ancestors': "frame-ancestors 'none'",
    })
    const page = await res.text()
    // Every script is a file: the CSP allows no inline script.
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(page).not.toMatch(/https?:\/\//)
    for (const src of page.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)) {
      const asset = await t.request(src[1]!)
      expect(asset.status, src[1]).toBe(200)
    }
  })

  it.each([
    ['/docs/swagger-ui-bundle.js', 'text/javascript; charset=utf-8', 'SwaggerUIBundle'],
    ['/docs/swagger-ui.css', 'text/css; charset=utf-8', '.swagger-ui'],
    ['/docs/init.js', 'text/javascript; charset=utf-8', "url: '/openapi.json'"],
  ])('serves %s from the installed package', async (path, type, content) => {
    const t = await makeTarget()
    const res = await t.request(path, { headers: { Accept: '*/*' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(type)
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(await res.text()).toContain(content)
  })

  // Accept headers that none of the API's formats meets, and some that name one of them,
  // which is not what these files are either.
  const ANY_ACCEPT = [
    'text/css',
    'text/javascript',
    'application/javascript',
    'image/png',
    '*/*;q=0',
    'application/json',
    'text/csv',
  ]
  it.each(
    [
      ['/docs', 'text/html; charset=utf-8'],
      ['/docs/swagger-ui.css', 'text/css; charset=utf-8'],
      ['/docs/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['/docs/init.js', 'text/javascript; charset=utf-8'],
    ].flatMap(([path, type]) => ANY_ACCEPT.map((accept) => [path!, accept, type!] as const)),
  )('serves %s with Accept: %s as what it is', async (path, accept, type) => {
    const t = await makeTarget()
    const res = await t.request(path, { headers: { Accept: accept } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(type)
  })

  it.each([
    ['text/css', 'application/problem+json'],
    ['image/png', 'application/problem+json'],
    ['application/problem+xml', 'application/problem+xml'],
    ['text/csv', 'text/csv'],
  ])(
    'answers a file it does not have with Accept: %s with a 404 as %s, as any unknown path',
    async (accept, type) => {
      const t = await makeTarget()
      const res = await t.request('/docs/nope.css', { headers: { Accept: accept } })
      expect(res.status).toBe(404)
      expect(res.headers.get('Content-Type')!.split(';')[0]).toBe(type)
    },
  )

  it('answers a format marker for another format with a 406 whatever Accept asks', async () => {
    const t = await makeTarget()
    const res = await t.request('/docs/swagger-ui.css.json', { headers: { Accept: 'text/css' } })
    expect(res.status).toBe(406)
    expect(await res.json()).toMatchObject({ details: { accepted: ['text/css'] } })
  })

  it.each([
    '/docs/index.html',
    '/docs/package.json',
    '/docs/..%2Fpackage.json',
    '/docs/oauth2-redirect.js',
  ])('serves nothing else of the package: %s', async (path) => {
    const t = await makeTarget()
    expect((await t.request(path)).status).toBe(404)
  })

  it('says so when the runtime has no assets', async () => {
    const t = await makeTarget({ docsAssets: undefined as never })
    const res = await t.request('/docs/swagger-ui.css')
    expect(res.status).toBe(404)
  })

  it.each([
    ['/docs.json', 'application/problem+json', 'text/html'],
    ['/docs?format=xml', 'application/problem+xml', 'text/html'],
    ['/docs/swagger-ui.css.json', 'application/problem+json', 'text/css'],
    ['/docs/init.js?format=html', 'text/html', 'text/javascript'],
  ])(
    'answers %s, a format marker the resource does not come in, with a 406 naming its type',
    async (path, type, served) => {
      const t = await makeTarget()
      const res = await t.request(path, { headers: { Accept: BROWSER } })
      expect(res.status).toBe(406)
      expect(res.headers.get('Content-Type')!.split(';')[0]).toBe(type)
      expect(await res.text()).toContain(served)
    },
  )

  it.each(['/docs.html', '/docs?format=html', '/docs?FORMAT=HTML'])(
    'serves %s, whose format marker names HTML',
    async (path) => {
      const t = await makeTarget()
      const res = await t.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    },
  )

  it('answers a file it does not have with a 404, whatever format the URL names', async () => {
    const t = await makeTarget()
    expect((await t.request('/docs/index.html.json')).status).toBe(404)
  })
})
