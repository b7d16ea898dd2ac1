import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { child, parseXmlStrict } from '../support/parsers.ts'
import { authed, MEDIA_TYPES, SEED_BODY, USERS } from '../support/requests.ts'

describe('negotiation over HTTP', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*; charset=utf-8', 'application/json'],
    // A browser's own navigation header names text/html first: it gets a page.
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'],
    ['text/html', 'text/html'],
    ['text/html;q=0.5, application/json', 'application/json'],
    ['*/*', 'application/json'],
    // The old Java default asks for text/html first too; its invalid `*` is still skipped.
    ['text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2', 'text/html'],
    ['image/gif, *; q=.2, */*; q=.2', 'application/json'],
    ['text/*', 'text/xml'],
    ['application/hal+json', 'application/hal+json'],
    ['TEXT/CSV', 'text/csv'],
    ['text/csv; header=present', 'text/csv'],
    // RFC 4180's header=absent asks for CSV without a header row, which the gateway never
    // writes: that range does not match, and the next one decides.
    ['text/csv; header=absent, application/xml;q=0.5', 'application/xml'],
    ['text/csv; header=absent, text/csv;q=0.1', 'text/csv'],
    ['text/csv; header=absent, */*;q=0.1', 'application/json'],
    // A range named twice counts at its higher q: a repeat never lowers what another allows.
    ['text/csv, text/csv;q=0', 'text/csv'],
    ['text/csv;q=0, text/csv', 'text/csv'],
    ['text/csv;q=0.1, text/csv;q=0.9, application/xml;q=0.5', 'text/csv'],
  ])('Accept %j gets %s', async (accept, mediaType) => {
    const t = await makeTarget()
    const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept }
    const res = await t.request('/healthz', { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')!.split(';')[0]).toBe(mediaType)
    expect(res.headers.get('Vary')).toBe('Accept')
  })

  it('answers 406 as problem+json listing every media type, text/html last', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, authed('image/png'))
    expect(res.status).toBe(406)
    expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
    expect(res.headers.get('Vary')).toBe('Accept')
    const problem = await res.json<any>()
    expect(problem).toMatchObject({ code: 1040, status: 406 })
    expect(problem.details.accepted).toEqual([...MEDIA_TYPES, 'text/html'])
  })

  it('answers 406 to text/csv; header=absent alone', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, authed('text/csv; header=absent'))
    expect(res.status).toBe(406)
    expect(await res.json<any>()).toMatchObject({ code: 1040, status: 406 })
  })

  it.each([
    ['application/problem+xml', 'application/problem+xml'],
    ['application/*+xml', 'application/problem+xml'],
    ['application/problem+json', 'application/problem+json'],
    ['application/problem+json;q=0.5, application/problem+xml', 'application/problem+xml'],
    ['image/png, application/problem+xml;q=0.1', 'application/problem+xml'],
  ])('answers an unknown route asked with Accept %j with a 404 in %s', async (accept, type) => {
    const t = await makeTarget()
    const res = await t.request('/nope', { headers: { Accept: accept } })
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toBe(`${type}; charset=utf-8`)
    const body = await res.text()
    expect(body).toContain('1021')
    if (type.endsWith('xml')) expect(parseXmlStrict(body).name).toBe('problem')
  })

  it('answers errors of a route in the problem type Accept names, and 406 where it would succeed', async () => {
    const t = await makeTarget()
    const accept = { Accept: 'application/problem+xml' }
    const notAllowed = await t.request(USERS, { method: 'DELETE', headers: accept })
    expect(notAllowed.status).toBe(405)
    expect(notAllowed.headers.get('Content-Type')).toBe('application/problem+xml; charset=utf-8')
    const created = await t.request(
      USERS,
      authed(accept.Accept, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: SEED_BODY,
      }),
    )
    expect(created.status).toBe(406)
    expect(created.headers.get('Content-Type')).toBe('application/problem+xml; charset=utf-8')
    const problem = parseXmlStrict(await created.text())
    expect(child(problem, 'code')!.text).toBe('1040')
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
    expect((await t.request('/healthz', { headers: accept })).status).toBe(406)
  })

  it('answers 406 to an unknown ?format=', async () => {
    const t = await makeTarget()
    const res = await t.request(`${USERS}?format=yaml`, authed())
    expect(res.status).toBe(406)
    expect(await res.json<any>()).toMatchObject({ code: 1041 })
  })

  it('answers 406 to a ?format= given twice, naming both values, rather than picking one', async () => {
    const t = await makeTarget()
    const res = await t.request(`${USERS}?format=csv&format=json`, authed())
    expect(res.status).toBe(406)
    const problem = await res.json<any>()
    expect(problem).toMatchObject({ code: 1041, status: 406 })
    expect(problem.detail).toBe(
      '?format= is given more than once ("csv", "json"); name one format.',
    )
    expect(problem.details.accepted).toContain('text/csv')
  })

  it.each([
    [`/healthz.csv`, 'text/csv'],
    [`/healthz?format=xml`, 'application/xml'],
    [`/healthz?format=hal`, 'application/hal+json'],
    [`/healthz.json`, 'application/json'],
    [`/healthz.html`, 'text/html'],
    [`/healthz?format=html`, 'text/html'],
    // The marker's name in any letter case, as on the ServiceStack operation.
    [`/healthz?Format=csv`, 'text/csv'],
    [`/healthz?FORMAT=xml`, 'application/xml'],
  ])('lets the URL override Accept: %s', async (path, mediaType) => {
    const t = await makeTarget()
    const res = await t.request(path, { headers: { Accept: 'application/json, text/csv;q=0.1' } })
    expect(res.headers.get('Content-Type')!.split(';')[0]).toBe(mediaType)
  })

  it('echoes text/xml when the URL says xml and Accept prefers text/xml', async () => {
    const t = await makeTarget()
    const res = await t.request('/healthz.xml', { headers: { Accept: 'text/xml' } })
    expect(res.headers.get('Content-Type')).toBe('text/xml; charset=utf-8')
  })
})
