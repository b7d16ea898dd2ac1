import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { LATEST_MIGRATION } from '../../src/store/index.ts'
import { parseBody, parseXmlStrict } from '../support/parsers.ts'
import { MEDIA_TYPES } from '../support/requests.ts'
import type { Target } from '../support/target.ts'

describe('gateway routes', () => {
  it('indexes every route as HAL links', async () => {
    const t = await makeTarget()
    const res = await t.request('/', { headers: { Accept: 'application/hal+json' } })
    expect(res.status).toBe(200)
    const index = await res.json<any>()
    expect(index._links.self).toEqual({ href: '/' })
    expect(index._links.listAmazonUsers.href).toBe('/v2.0/external/alexa/users')
    expect(index._links.getAmazonUser).toMatchObject({
      href: '/v2.0/external/alexa/users/{id}',
      templated: true,
    })
    expect(
      index.routes.map((r: { method: string; path: string }) => `${r.method} ${r.path}`),
    ).toContain('DELETE /v2.0/external/alexa/users/{id}')
    expect(index.formats).toContain('text/csv')
  })

  it('sends in its Link header only URI references under registered relations', async () => {
    const t = await makeTarget()
    const res = await t.request('/', { headers: { Accept: 'application/json' } })
    const links = res.headers
      .get('Link')!
      .split(', ')
      .map((link) => /^<([^>]*)>; rel="([^"]*)"$/.exec(link)!.slice(1))
    // RFC 3986 has no { or } in a URI reference; RFC 8288 §2.1.1 relations are registered.
    for (const [href] of links) expect(href).not.toMatch(/[{}]/)
    expect(links).toEqual([
      ['/', 'self'],
      ['/openapi.json', 'service-desc'],
      ['/docs', 'service-doc'],
    ])
    // HAL keeps every route, templated ones as templates.
    const hal = await (
      await t.request('/', { headers: { Accept: 'application/hal+json' } })
    ).json<any>()
    expect(hal._links.createAmazonUser.href).toBe('/v2.0/external/alexa/users')
    expect(hal._links.getWidgetContact.href).toBe('/widget/contact')
  })

  // Where the API is described, as RFC 8631 names it where it can (a relation the Link header
  // carries), else by the page's own name.
  const DOCUMENTATION = [
    ['service-desc', '/openapi.json', 'application/json; charset=utf-8'],
    ['service-doc', '/docs', 'text/html; charset=utf-8'],
    ['metadata', '/metadata', 'text/html; charset=utf-8'],
  ] as const

  it('links the API description and documentation in HAL, to pages a HAL client can read', async () => {
    const t = await makeTarget()
    const res = await t.request('/', { headers: { Accept: 'application/hal+json' } })
    const index = await res.json<any>()
    for (const [rel, href, type] of DOCUMENTATION) {
      expect(index._links[rel], rel).toEqual({ href, title: expect.stringMatching(/^GET \S/) })
      expect(index.routes, rel).toContainEqual({
        name: rel,
        method: 'GET',
        path: href,
        title: index._links[rel].title.slice(4),
      })
      // Followed as a HAL client would: the page is what it is.
      const page = await t.request(href, { headers: { Accept: 'application/hal+json' } })
      expect(page.status, href).toBe(200)
      expect(page.headers.get('Content-Type'), href).toBe(type)
    }
  })

  it.each([
    ['application/json', '/'],
    ['application/xml', '/'],
    ['text/csv', '/'],
    ['text/html', '/'],
    ['*/*', '/?format=xml'],
  ])('lists the API description and documentation as %s at %s', async (accept, path) => {
    const t = await makeTarget()
    const res = await t.request(path, { headers: { Accept: accept } })
    expect(res.status).toBe(200)
    // Canonical whatever format the URL names: /openapi.json?format=xml would be a 406.
    expect(res.headers.get('Link')).toContain(
      '</openapi.json>; rel="service-desc", </docs>; rel="service-doc"',
    )
    const body = await res.text()
    for (const [rel, href] of DOCUMENTATION) {
      if (accept === 'text/html') expect(body).toContain(`<a rel="${rel}" href="${href}">`)
      else expect(body).toContain(href)
    }
  })

  it('reports health, also as XML', async () => {
    const t = await makeTarget()
    const res = await t.request('/healthz', { headers: { Accept: 'application/xml' } })
    expect(res.status).toBe(200)
    expect(parseXmlStrict(await res.text()).name).toBe('Health')
  })

  const notMigrated = (t: Target) =>
    t.logger.lines.filter((l) => l.includes('"message":"database not migrated"')).length

  it('answers /healthz 503 while the database lacks the latest migration', async () => {
    const t = await makeTarget()
    await t.query(`DELETE FROM d1_migrations WHERE name = '${LATEST_MIGRATION}'`)
    try {
      const res = await t.request('/healthz')
      expect(res.status).toBe(503)
      expect(res.headers.get('Retry-After')).toBe('5')
      expect(await res.json()).toMatchObject({
        code: 1090,
        detail: expect.stringContaining(`latest migration (${LATEST_MIGRATION})`),
      })
      // Said once however often a load balancer asks, and again once it recurs.
      expect((await t.request('/healthz')).status).toBe(503)
      expect(notMigrated(t)).toBe(1)
    } finally {
      await t.query(`INSERT INTO d1_migrations (name) VALUES ('${LATEST_MIGRATION}')`)
    }
    expect((await t.request('/healthz')).status).toBe(200)
    await t.query(`DELETE FROM d1_migrations WHERE name = '${LATEST_MIGRATION}'`)
    try {
      expect((await t.request('/healthz')).status).toBe(503)
      expect(notMigrated(t)).toBe(2)
    } finally {
      await t.query(`INSERT INTO d1_migrations (name) VALUES ('${LATEST_MIGRATION}')`)
    }
  })

  it('answers /healthz 503 on a database never migrated (no d1_migrations)', async () => {
    const t = await makeTarget()
    await t.query('ALTER TABLE d1_migrations RENAME TO d1_migrations_away')
    try {
      const res = await t.request('/healthz')
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ code: 1090 })
    } finally {
      await t.query('ALTER TABLE d1_migrations_away RENAME TO d1_migrations')
    }
  })

  it.each(
    ['/', '/healthz', '/problems', '/problems/validation'].flatMap((path) =>
      MEDIA_TYPES.map((type) => [path, type] as const),
    ),
  )('serves %s as %s that an independent parser reads', async (path, type) => {
    const t = await makeTarget()
    const res = await t.request(path, { headers: { Accept: type } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain(type)
    expect(await parseBody(res)).toBeTruthy()
  })
})
