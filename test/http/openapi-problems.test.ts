import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { endpoints } from '../../src/app/create-app.ts'
import { API_KEY } from '../support/deterministic.ts'
import { AUTHENTICATE, authenticate, bearer, ORG_TOKEN } from '../support/opencx.ts'
import { MEDIA_TYPES, USERS } from '../support/requests.ts'

const template = (path: string) => path.replace(/:(\w+)/g, '{$1}')
const essence = (res: Response) => res.headers.get('Content-Type')!.split(';')[0]!
const CREDENTIALS = { 'X-API-Key': API_KEY, Authorization: `Bearer ${ORG_TOKEN}` }

const fetchDocument = async () => {
  const t = await makeTarget()
  return (await t.request('/openapi.json')).json<any>()
}

/** The media types a response lists a problem kind under (a page lists no examples). */
const documentedTypes = (response: any, kind: string): string[] =>
  Object.entries<any>(response?.content ?? {})
    .filter(([type, media]) => (media.examples ? kind in media.examples : type === 'text/html'))
    .map(([type]) => type)

/** The JSON example of a problem kind an operation documents under a status. */
const exampleDetails = (doc: any, op: any, status: number, kind: string) => {
  const ref = op.responses[status].content['application/problem+json'].examples[kind].$ref
  return doc.components.examples[ref.split('/').at(-1)].value.details
}

describe('the problems /openapi.json lists are the ones the gateway answers', () => {
  it('lists the 431 and the 406 in the media types the gateway writes them in, whatever Accept says', async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    const { responses } = doc.paths[USERS].get
    const accepts = [...MEDIA_TYPES, 'text/html', 'application/problem+xml', 'application/*+xml']
    const seen: Record<string, Set<string>> = {
      headerTooLarge: new Set(),
      unknownFormat: new Set(),
      notAcceptable: new Set(),
    }
    for (const accept of accepts) {
      const headers = { ...CREDENTIALS, Accept: accept }
      const long = await t.request(USERS, {
        headers: { ...headers, 'X-API-Key': 'k'.repeat(5000) },
      })
      expect(long.status).toBe(431)
      seen.headerTooLarge!.add(essence(long))
      for (const path of [`${USERS}?format=nope`, `${USERS}.csv?format=xml`]) {
        const res = await t.request(path, { headers })
        expect(res.status, path).toBe(406)
        seen.unknownFormat!.add(essence(res))
      }
      const none = await t.request(USERS, {
        headers: { ...headers, Accept: `image/png, ${accept};q=0` },
      })
      expect(none.status).toBe(406)
      seen.notAcceptable!.add(essence(none))
      const named = await t.request(USERS, {
        headers: { ...headers, Accept: `image/png, ${accept}` },
      })
      if (named.status === 406) seen.notAcceptable!.add(essence(named))
    }
    expect([...seen.headerTooLarge!]).toEqual(['application/problem+json'])
    for (const [kind, status] of [
      ['headerTooLarge', 431],
      ['unknownFormat', 406],
      ['notAcceptable', 406],
    ] as const) {
      expect(documentedTypes(responses[status], kind).sort(), kind).toEqual([...seen[kind]!].sort())
    }
    expect(Object.keys(responses['406'].content)).not.toContain('text/csv')
  })

  it("lists a page for the export's 406 to a browser, the one problem it writes as a page", async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    const { responses } = doc.paths['/contacts/export'].get
    const res = await t.request('/contacts/export?format=html', bearer())
    expect(res.status).toBe(406)
    expect(essence(res)).toBe('text/html')
    expect(Object.keys(responses['406'].content)).toContain('text/html')
    const wrong = await t.request('/contacts/export', bearer('wrong-token-0123456789', 'text/csv'))
    expect(wrong.status).toBe(401)
    expect(Object.keys(responses['401'].content)).not.toContain('text/html')
  })

  it('lists 413 for exactly the operations that answer a body over 1 MiB with the 413 problem', async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    const body = 'x'.repeat(1024 * 1024 + 1)
    for (const e of endpoints) {
      const op = doc.paths[template(e.path)][e.method.toLowerCase()]
      if (e.method === 'GET') {
        expect(op.responses['413'], e.name).toBeUndefined()
        continue
      }
      const res = await t.request(e.path.replace(/:\w+/g, 'x'), {
        method: e.method,
        headers: { ...CREDENTIALS, 'Content-Type': 'application/json' },
        body,
      })
      const problem = res.status === 413 && essence(res) === 'application/problem+json'
      expect(op.responses['413'] !== undefined, `${e.method} ${e.path}`).toBe(problem)
      await res.arrayBuffer()
    }
    expect(doc.paths[`${USERS}/{id}`].delete.responses['413']).toBeDefined()
  })

  it('shows in each problem example the details the gateway sends', async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    const post = doc.paths[USERS].post
    const json = { ...CREDENTIALS, 'Content-Type': 'application/json' }
    const cases: [any, number, string, Promise<Response>][] = [
      [post, 400, 'validation', t.request(USERS, { method: 'POST', headers: json, body: '{}' })],
      [post, 400, 'malformedBody', t.request(USERS, { method: 'POST', headers: json, body: '{"' })],
      [post, 401, 'unauthorized', t.request(USERS, { method: 'POST', body: '{}' })],
      [
        post,
        413,
        'payloadTooLarge',
        t.request(USERS, { method: 'POST', headers: json, body: 'x'.repeat(1024 * 1024 + 1) }),
      ],
      [
        post,
        415,
        'unsupportedMediaType',
        t.request(USERS, {
          method: 'POST',
          headers: { ...json, 'Content-Type': 'image/png' },
          body: '{}',
        }),
      ],
      [post, 431, 'headerTooLarge', t.request(USERS, { headers: { Accept: 'a'.repeat(5000) } })],
      [post, 406, 'unknownFormat', t.request(`${USERS}?format=nope`, { headers: json })],
      [post, 406, 'notAcceptable', t.request(USERS, { headers: { ...json, Accept: 'image/png' } })],
      [
        doc.paths[USERS].get,
        400,
        'badQuery',
        t.request(`${USERS}?limit=`, { headers: CREDENTIALS }),
      ],
      [
        doc.paths[`${USERS}/{id}`].get,
        404,
        'notFound',
        t.request(`${USERS}/nobody`, { headers: CREDENTIALS }),
      ],
      [doc.paths[AUTHENTICATE].post, 400, 'validation', t.request(AUTHENTICATE, authenticate({}))],
    ]
    for (const [op, status, kind, answer] of cases) {
      const res = await answer
      expect(res.status, kind).toBe(status)
      const real = (await res.json<any>()).details
      expect(exampleDetails(doc, op, status, kind), `${op.operationId} ${kind}`).toEqual(real)
    }
    const errors = exampleDetails(doc, post, 400, 'validation').errors
    expect(errors[0]).toEqual({ pointer: '/accessToken', message: 'is required' })
  })

  it('shows the wait a 429 sends', async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    let res: Response | undefined
    for (let i = 0; i < 11; i++)
      res = await t.request(USERS, { headers: { 'X-API-Key': `wrong-key-${i}-0123456789` } })
    expect(res!.status).toBe(429)
    const real = (await res!.json<any>()).details
    const op = doc.paths[USERS].get
    expect(exampleDetails(doc, op, 429, 'tooManyRequests')).toEqual(real)
  })

  it("answers a HAL client's errors as problem+json, where OpenAPI lists them", async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    const res = await t.request(USERS, { headers: { Accept: 'application/hal+json' } })
    expect(res.status).toBe(401)
    expect(essence(res)).toBe('application/problem+json')
    expect((await res.json<any>())._links).toBeUndefined()
    for (const item of Object.values<any>(doc.paths)) {
      for (const op of ['get', 'post', 'delete'].map((m) => item[m]).filter(Boolean)) {
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (!/^[45]/.test(status) || op.responses['4XX']) continue
          expect(Object.keys(response.content), `${op.operationId} ${status}`).not.toContain(
            'application/hal+json',
          )
        }
      }
    }
  })

  it('lists a ServiceStack failure in HAL with the _links the gateway writes into it', async () => {
    const doc = await fetchDocument()
    const t = await makeTarget()
    const res = await t.request('/CognitoSendConfirmCodeRequest', {
      method: 'POST',
      headers: { Accept: 'application/hal+json', 'Content-Type': 'application/json' },
      body: '{"EmailAddress":"not an address"}',
    })
    expect(res.status).toBe(400)
    expect(essence(res)).toBe('application/hal+json')
    const body = await res.json<any>()
    expect(body).toMatchObject({ OpCode: 1000, _links: { self: { href: expect.any(String) } } })
    const { responses } = doc.paths['/CognitoSendConfirmCodeRequest'].post
    const schema = responses['4XX'].content['application/hal+json'].schema
    expect(schema).toEqual(responses['200'].content['application/hal+json'].schema)
    expect(JSON.stringify(schema)).toContain('"required":["_links"]')
  })
})
