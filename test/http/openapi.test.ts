import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { endpoints } from '../../src/app/create-app.ts'
import { securityOf } from '../../src/middleware/security-scheme.ts'
import { API_KEY } from '../support/deterministic.ts'
import { AUTHENTICATE, authenticate, bearer, contactOf, ORG_TOKEN } from '../support/opencx.ts'
import { BODY_TYPES, MEDIA_TYPES } from '../support/requests.ts'

const PROBLEM_TYPES = ['application/problem+json', 'application/problem+xml', 'text/csv']
const template = (path: string) => path.replace(/:(\w+)/g, '{$1}')

const fetchDocument = async () => {
  const t = await makeTarget()
  const res = await t.request('/openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
  return res.json<any>()
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every endpoint', async () => {
    const doc = await fetchDocument()
    expect(doc.openapi).toBe('3.1.0')
    for (const e of endpoints) {
      const op = doc.paths[template(e.path)]?.[e.method.toLowerCase()]
      expect(op, `${e.method} ${e.path}`).toBeDefined()
      expect(op.operationId).toBe(e.name)
      expect(op.summary).toBe(e.title)
    }
  })

  it('lists all five media types, each with an example, for every response with a body', async () => {
    const doc = await fetchDocument()
    for (const e of endpoints.filter((e) => e.response)) {
      const op = doc.paths[template(e.path)][e.method.toLowerCase()]
      const success = op.responses[String(e.status ?? 200)]
      for (const type of MEDIA_TYPES) {
        expect(success.content[type]?.example, `${e.name} ${type}`).toBeDefined()
      }
      // HTML, except where the endpoint has no HTML form (the streamed export).
      expect(success.content['text/html'] !== undefined, e.name).toBe(
        !e.formats || e.formats.includes('html'),
      )
    }
  })

  it('describes the paging parameters of a collection, the cursors of next and prev links included', async () => {
    const doc = await fetchDocument()
    for (const path of ['/contacts', '/v2.0/external/alexa/users']) {
      const parameters = doc.paths[path].get.parameters.filter((p: any) => p.in === 'query')
      expect(parameters.map((p: any) => p.name)).toEqual(['limit', 'skip', 'after', 'before'])
      for (const p of parameters) expect(p.description, `${path} ${p.name}`).toMatch(/\w/)
      expect(parameters[2].description).toMatch(/next link/)
      expect(parameters[3].description).toMatch(/prev link/)
      // A client that fills in defaults (Swagger UI's Try it out) must not send `skip` beside
      // a cursor, which is refused: its default is said in words only.
      expect(parameters[1].schema.default).toBeUndefined()
      expect(parameters[1].description).toMatch(/default 0/)
    }
    const t = await makeTarget()
    const refused = await t.request('/contacts?skip=0&after=WzMsIngiLCJ5Il0', bearer())
    expect(refused.status).toBe(400)
  })

  it('describes the export as the whole collection to save as a file: no page members, links or count', async () => {
    const doc = await fetchDocument()
    const op = doc.paths['/contacts/export'].get
    const ok = op.responses['200']
    expect(Object.keys(ok.content)).not.toContain('text/html')
    expect(ok.headers['X-Total-Count']).toBeUndefined()
    expect(ok.headers['Content-Disposition']).toEqual({
      $ref: '#/components/headers/Content-Disposition',
    })
    expect(doc.components.headers['Content-Disposition'].description).toMatch(/file name/)
    const json = ok.content['application/json'].example
    expect(Object.keys(json)).toEqual(['items', 'total'])
    expect(ok.content['application/xml'].example).toContain('<ContactExport><items>')
    const hal = ok.content['application/hal+json'].example
    expect(hal._embedded.items[0]._links.self.href).toMatch(/^\/contacts\/[^/]+$/)
    expect(hal._embedded.items[0]._links.self.href).not.toContain('/export/')
    const list = doc.paths['/contacts'].get.responses['200']
    expect(list.headers['X-Total-Count']).toBeDefined()
    expect(list.headers['Content-Disposition']).toBeUndefined()
    expect(Object.keys(list.content['application/json'].example)).toEqual([
      'items',
      'total',
      'skip',
      'limit',
    ])
  })

  it('lists the body types for every operation that takes a body', async () => {
    const doc = await fetchDocument()
    for (const e of endpoints.filter((e) => e.request && e.method === 'POST')) {
      const body = doc.paths[template(e.path)].post.requestBody
      expect(Object.keys(body.content), e.name).toEqual([...BODY_TYPES])
    }
  })

  it('lists the problems an operation can answer, each in the problem media types it has', async () => {
    const doc = await fetchDocument()
    for (const e of endpoints) {
      const { responses } = doc.paths[template(e.path)][e.method.toLowerCase()]
      expect(responses['406'], e.name).toBeDefined()
      // Negotiation failed: the problem type Accept names, or problem+json; never CSV.
      for (const type of PROBLEM_TYPES.slice(0, 2))
        expect(responses['406'].content[type], e.name).toBeDefined()
      expect(responses['406'].content['text/csv'], e.name).toBeUndefined()
      expect(Object.keys(responses['431'].content), e.name).toEqual(['application/problem+json'])
      if (securityOf(e)) {
        expect(responses['401'], e.name).toBeDefined()
        for (const type of PROBLEM_TYPES) expect(responses['401'].content[type]).toBeDefined()
      }
      if (e.path.includes(':') && !responses['4XX']) expect(responses['404'], e.name).toBeDefined()
    }
    const example = doc.components.examples['validation.problem-json'].value
    expect(example).toMatchObject({ code: 1000, status: 400, type: '/problems/validation' })
  })

  it('documents the ServiceStack operation as it behaves: failures, query and optional body', async () => {
    const doc = await fetchDocument()
    const post = doc.paths['/CognitoSendConfirmCodeRequest'].post
    // The overview says failures come in the DTO there, not as problems.
    expect(doc.info.description).toMatch(
      /ServiceStack-style operations, which answer failures in their response DTO/,
    )
    expect(post.requestBody.required).toBe(false)
    expect(doc.paths['/v2.0/external/alexa/users'].post.requestBody.required).toBe(true)
    // A body over the limit and one of a type it cannot read are DTOs, as behaviour shows.
    expect(post.responses['413']).toBeUndefined()
    expect(post.responses['415']).toBeUndefined()
    expect(post.responses['4XX'].description).toContain('size limit')
    expect(Object.keys(post.responses['4XX'].headers)).toEqual([
      'X-Trace-Id',
      'Link',
      'Retry-After',
    ])
    // The DTO links itself when it fails too, as the document says.
    const t = await makeTarget()
    const failed = await t.request('/CognitoSendConfirmCodeRequest?EmailAddress=nope')
    expect(failed.status).toBe(400)
    expect(failed.headers.get('Link')).toBe('</CognitoSendConfirmCodeRequest>; rel="self"')
    // A code that could not be delivered is a 502 in the DTO, on both methods.
    for (const method of ['post', 'get'])
      expect(
        doc.paths['/CognitoSendConfirmCodeRequest'][method].responses['502'].description,
      ).toContain('OpCode 2007')
    expect(doc.paths['/v2.0/external/alexa/users'].post.responses['502']).toBeUndefined()
    // So is a 503 (storage unavailable or not migrated), with when to retry.
    for (const method of ['post', 'get']) {
      const unavailable = doc.paths['/CognitoSendConfirmCodeRequest'][method].responses['503']
      expect(unavailable.description).toContain('OpCode 1090')
      expect(unavailable.content['application/problem+json']).toBeUndefined()
      expect(unavailable.content['application/json'].schema).toBeDefined()
    }
    expect(doc.paths['/v2.0/external/alexa/users'].post.responses['503'].description).toMatch(
      /Service Unavailable/,
    )
    // Contact tokens do not count against the failure budget: no 429 to document there.
    expect(doc.paths['/widget/contact'].get.responses['429']).toBeUndefined()
    expect(doc.paths['/contacts'].get.responses['429']).toBeDefined()
    expect(post.parameters.map((p: { name?: string }) => p.name)).toEqual(
      expect.arrayContaining(['EmailAddress', 'ConfirmationCode']),
    )
  })

  it('says a form carries each structured member as one field of JSON text, which the gateway reads', async () => {
    const doc = await fetchDocument()
    const form =
      doc.paths['/widget/authenticate-user'].post.requestBody.content[
        'application/x-www-form-urlencoded'
      ]
    expect(form.encoding).toEqual({
      customData: { contentType: 'application/json' },
      http_action_overrides: { contentType: 'application/json' },
    })
    const t = await makeTarget()
    const body = new URLSearchParams({
      email: 'form@example.com',
      customData: '{"plan":"gold"}',
      http_action_overrides: '{"headers":{"X-A":"1"}}',
    })
    const res = await t.request('/widget/authenticate-user', {
      method: 'POST',
      headers: { ...bearer().headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    })
    expect(res.status).toBe(200)
    const [row] = await t.query<{ custom_data: string }>('SELECT custom_data FROM contacts')
    expect(JSON.parse(row!.custom_data)).toEqual({ plan: 'gold' })
  })

  it('names the credentials of exactly the operations that demand them, those they take', async () => {
    const doc = await fetchDocument()
    expect(doc.components.securitySchemes.apiKey).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    )
    const t = await makeTarget()
    const { token } = await contactOf(t)
    const presented: Record<string, Record<string, string>> = {
      apiKey: { 'X-API-Key': API_KEY },
      orgToken: { Authorization: `Bearer ${ORG_TOKEN}` },
      contactToken: { Authorization: `Bearer ${token}` },
    }
    for (const e of endpoints) {
      const op = doc.paths[template(e.path)][e.method.toLowerCase()]
      const schemes = (op.security ?? []).flatMap((s: object) => Object.keys(s))
      expect(schemes.length, e.name).toBeLessThanOrEqual(1)
      const [scheme] = schemes
      // What the route answers, not what its declaration says: a 401 without credentials...
      const path = e.path.replace(/:\w+/g, '000000000000000000000001')
      const init = { method: e.method, headers: { Accept: 'application/json' } }
      const anonymous = await t.request(path, init)
      expect(anonymous.status === 401, `${e.name} refuses a request without credentials`).toBe(
        scheme !== undefined,
      )
      if (scheme === undefined) continue
      expect(doc.components.securitySchemes[scheme], scheme).toBeDefined()
      // ...and none with those the document names.
      const headers = { ...init.headers, ...presented[scheme] }
      const res = await t.request(path, { ...init, headers })
      expect(res.status, `${e.name} takes ${scheme}`).not.toBe(401)
    }
  })

  it("serves the Cognigy routes under the seed's /new base path too", async () => {
    const doc = await fetchDocument()
    expect(doc.paths['/v2.0/external/alexa/users'].servers).toEqual([{ url: '/' }, { url: '/new' }])
  })

  it('is only at /openapi.json', async () => {
    const t = await makeTarget()
    for (const path of ['/openapi', '/openapi.xml', '/openapi?format=csv']) {
      expect((await t.request(path)).status, path).toBe(404)
    }
    expect((await t.request('/openapi', { headers: { Accept: 'image/png' } })).status).toBe(404)
  })

  it.each(['image/png', 'text/html', 'application/xml', 'application/json;q=0'])(
    'is JSON with Accept: %s',
    async (accept) => {
      const t = await makeTarget()
      const res = await t.request('/openapi.json', { headers: { Accept: accept } })
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    },
  )
})

describe('what /openapi.json says is what the gateway does', () => {
  const matches = (schema: { pattern: string }, text: string) =>
    new RegExp(schema.pattern, 'u').test(text)

  it.each([
    ['limit', ['0', '1', '07', '25', '100', '101', '1000', '-1', '1.5', 'abc', '', '1e2']],
    ['skip', ['0', '5', '0005', '999999999', '1000000000', '-1', '1.5', 'x']],
  ])('accepts a %s exactly when its documented pattern matches', async (name, values) => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    for (const path of ['/contacts', '/v2.0/external/alexa/users']) {
      const parameter = doc.paths[path].get.parameters.find((p: any) => p.name === name)
      expect(parameter.description).toMatch(/a whole number from \d+ to \d+/)
      for (const value of values) {
        const res = await t.request(`${path}?${name}=${value}`, {
          headers: { 'X-API-Key': API_KEY, Authorization: `Bearer ${ORG_TOKEN}` },
        })
        expect(res.status, `${path}?${name}=${value}`).toBe(
          matches(parameter.schema, value) ? 200 : 400,
        )
      }
    }
  })

  it('describes the phone numbers authenticate-user accepts, as sent', async () => {
    const doc = await fetchDocument()
    const phone = doc.components.schemas.AuthenticateUser.properties.phone
    expect(phone.description).toMatch(/dropped/)
    const t = await makeTarget()
    const phones = [
      '+1 (234) 567-890',
      '+1234567890',
      ' +44 20.7946-0958 ',
      '1234567890',
      '+0123456789',
      '+12 34',
      '+1234567890123456',
      '+1-800-FLOWERS',
      '++1234567890',
    ]
    for (const value of phones) {
      const res = await t.request(AUTHENTICATE, authenticate({ phone: value }))
      expect(res.status, value).toBe(matches(phone, value) ? 200 : 400)
    }
    expect(matches(phone, '+1 (234) 567-890')).toBe(true)
  })

  it('says an email is trimmed and that a contact needs an email or a phone', async () => {
    const doc = await fetchDocument()
    const body = doc.components.schemas.AuthenticateUser
    expect(body.properties.email).toMatchObject({ format: 'email' })
    expect(body.properties.email.description).toMatch(/spaces around it are dropped/)
    // Past what `format: email` says: what the gateway refuses, as it refuses it.
    expect(body.properties.email.description).toMatch(/before the @ at most 64 characters/)
    const long = authenticate({ email: `${'a'.repeat(65)}@example.com` })
    expect((await (await makeTarget()).request(AUTHENTICATE, long)).status).toBe(400)
    expect(body.anyOf).toEqual([{ required: ['email'] }, { required: ['phone'] }])
    expect(body.description).toMatch(/email, or a phone/)
    const example = doc.paths[AUTHENTICATE].post.requestBody.content['application/json'].example
    expect(example).toMatchObject({ email: expect.any(String), phone: expect.any(String) })
    const t = await makeTarget()
    expect((await t.request(AUTHENTICATE, authenticate({ name: 'Nobody' }))).status).toBe(400)
  })

  it('gives browser pages a text schema, never the JSON model', async () => {
    const doc = await fetchDocument()
    let pages = 0
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of ['get', 'post', 'delete'].map((m) => item[m]).filter(Boolean)) {
        for (const response of Object.values<any>(op.responses)) {
          const html = response.content?.['text/html']
          if (!html) continue
          expect(html.schema, op.operationId).toEqual({ type: 'string' })
          pages++
        }
      }
    }
    expect(pages).toBeGreaterThan(0)
  })

  it('offers ?format= values an operation serves: the export has no html', async () => {
    const doc = await fetchDocument()
    const format = doc.paths['/contacts/export'].get.parameters.find(
      (p: any) => p.name === 'format',
    )
    expect(format.schema.enum).toEqual(['json', 'hal', 'xml', 'csv'])
    const t = await makeTarget()
    for (const key of ['json', 'hal', 'xml', 'csv', 'html']) {
      const res = await t.request(`/contacts/export?format=${key}`, bearer())
      expect(res.status, key).toBe(format.schema.enum.includes(key) ? 200 : 406)
      await res.arrayBuffer()
    }
    const list = doc.paths['/contacts'].get.parameters.at(-1)
    expect(list).toEqual({ $ref: '#/components/parameters/format' })
  })
})
