import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { parseSecrets } from '../../src/config/secrets.ts'
import { OP } from '../support/cognito.ts'
import { child, parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'
import { authed, createUserRequest, USERS } from '../support/requests.ts'

describe('problem details', () => {
  it('renders problem+json with every Cognigy member and the trace id of the response', async () => {
    const t = await makeTarget()
    const res = await t.request(`${USERS}/nope`, authed())
    expect(res.status).toBe(404)
    const problem = await res.json<any>()
    expect(Object.keys(problem)).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'instance',
      'code',
      'traceId',
      'details',
    ])
    expect(problem).toMatchObject({
      status: 404,
      code: 1020,
      instance: `${USERS}/nope`,
      details: {},
    })
    expect(problem.traceId).toBe(res.headers.get('X-Trace-Id'))
  })

  it('renders problem+xml with arrays as <i> items', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, createUserRequest('text/xml', '{}'))
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe('application/problem+xml; charset=utf-8')
    const xml = parseXmlStrict(await res.text())
    expect(xml.name).toBe('problem')
    expect(xml.attributes.xmlns).toBe('urn:ietf:rfc:7807')
    const errors = child(child(xml, 'details')!, 'errors')!
    expect(errors.children.map((c) => c.name)).toEqual(['i', 'i'])
    expect(child(errors.children[0]!, 'pointer')!.text).toBe('/accessToken')
  })

  it('renders a problem as one CSV row', async () => {
    const t = await makeTarget()
    const res = await t.request(`${USERS}.csv`, createUserRequest('*/*', '{}'))
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present')
    const rows = parseCsvStrict(await res.text())
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ status: '400', code: '1000', instance: `${USERS}.csv` })
  })

  it('has type URIs that resolve to a page about the problem', async () => {
    const t = await makeTarget()
    const problem = await (await t.request(`${USERS}/nope`, authed())).json<any>()
    const page = await t.request(problem.type, { headers: { Accept: 'application/json' } })
    expect(page.status).toBe(200)
    expect(await page.json<any>()).toMatchObject({ code: 1020, status: 404, slug: 'not-found' })
    const catalogue = await (await t.request('/problems')).json<any>()
    expect(catalogue.items.find((p: { code: number }) => p.code === 1000).slug).toBe('validation')
  })

  it('answers the catalogue as one page of a collection, as OpenAPI describes collections', async () => {
    const t = await makeTarget()
    const res = await t.request('/problems', { headers: { Accept: 'application/hal+json' } })
    const body = await res.json<any>()
    expect(res.headers.get('X-Total-Count')).toBe(String(body.total))
    expect(body._links).toMatchObject({
      self: { href: '/problems' },
      first: { href: '/problems' },
      last: { href: '/problems' },
    })
  })

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const t = await makeTarget()
    const res = await t.request(`${USERS}/abc`, authed('application/json', { method: 'POST' }))
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, HEAD, DELETE')
    expect(await res.json<any>()).toMatchObject({ code: 1030 })
  })

  it.each([`${USERS}/`, `${USERS}/abc/`])(
    'answers %s (a trailing slash: routing is strict) with 404, not a 405 for GET',
    async (path) => {
      const t = await makeTarget()
      const res = await t.request(path, authed())
      expect(res.status).toBe(404)
      expect(res.headers.get('Allow')).toBeNull()
      expect(await res.json<any>()).toMatchObject({ code: 1021 })
    },
  )

  it('answers 404 for an unknown route in the negotiated format', async () => {
    const t = await makeTarget()
    const res = await t.request('/no/such/route', { headers: { Accept: 'text/csv' } })
    expect(res.status).toBe(404)
    expect(parseCsvStrict(await res.text())[0]).toMatchObject({ code: '1021' })
  })

  it('hides the cause of a 500 and logs it once, with the trace id', async () => {
    const failing = await makeTarget({
      store: {
        migrated: async () => true,
        alexaUsers: {
          get: () => {
            throw new Error('SQLITE_MISUSE near secret-value-123')
          },
        },
      } as never,
    })
    const res = await failing.request(`${USERS}/x`, authed())
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('secret-value-123')
    expect(text).not.toContain('at ')
    const problem = JSON.parse(text)
    expect(problem.code).toBe(1099)
    expect(failing.logger.lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'unhandled error',
        traceId: problem.traceId,
        errorMessage: expect.stringContaining('SQLITE_MISUSE'),
      }),
    ])
    // The same request where nothing fails (no such user: a 404) logs nothing.
    const t = await makeTarget()
    expect((await t.request(`${USERS}/x`, authed())).status).toBe(404)
    expect(t.logger.lines).toEqual([])
  })

  it('answers an unexpected failure of the ServiceStack operation in its DTO, cause hidden and logged', async () => {
    const failing = await makeTarget({
      store: {
        migrated: async () => true,
        cognitoUsers: new Proxy(
          {},
          {
            get: () => () => {
              throw new Error('SQLITE_MISUSE near secret-value-123')
            },
          },
        ),
      } as never,
    })
    for (const accept of ['application/json', 'application/xml']) {
      const res = await failing.request(OP, {
        method: 'POST',
        headers: { Accept: accept, 'Content-Type': 'application/json' },
        body: JSON.stringify({ EmailAddress: 'ada@example.com' }),
      })
      expect(res.status).toBe(500)
      const traceId = res.headers.get('X-Trace-Id')!
      const text = await res.text()
      expect(text).not.toContain('secret-value-123')
      expect(text).not.toContain('at ')
      let dto: { OpCode?: unknown; ErrorText?: unknown }
      if (accept === 'application/json') dto = JSON.parse(text)
      else {
        const root = parseXmlStrict(text)
        expect(root.name).toBe('CognitoSendConfirmCodeResponse')
        dto = { OpCode: child(root, 'OpCode')?.text, ErrorText: child(root, 'ErrorText')?.text }
      }
      expect(String(dto.OpCode)).toBe('1099')
      expect(dto.ErrorText).toBe(`Internal error; trace id ${traceId}.`)
      expect(
        failing.logger.lines.some((l) => l.includes(traceId) && l.includes('SQLITE_MISUSE')),
      ).toBe(true)
    }
  })

  it('refuses to serve without secrets, naming none of them in the response', async () => {
    const t = await makeTarget({ secrets: parseSecrets({ API_KEYS: 'short' }) })
    for (const path of ['/healthz', USERS, '/']) {
      const res = await t.request(path, authed())
      expect(res.status).toBe(500)
      const problem = await res.json<any>()
      expect(problem.code).toBe(1100)
      expect(JSON.stringify(problem)).not.toContain('short')
    }
    expect(t.logger.lines[0]).toContain('API_KEYS')
  })
})
