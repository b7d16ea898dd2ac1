import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { endpoints } from '../../src/app/create-app.ts'
import { parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'

const KEYS = ['json', 'hal', 'xml', 'csv', 'html']
const unescape = (html: string) =>
  html
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')

/** The sample exchange of a page: the head lines and the body of its request and response. */
const samples = (page: string) => {
  const pre = (cls: string) =>
    unescape(new RegExp(`<pre class="${cls}">([\\s\\S]*?)</pre>`).exec(page)![1]!)
  const split = (text: string) => {
    const at = text.indexOf('\n\n')
    return { head: text.slice(0, at).split('\n'), body: text.slice(at + 2) }
  }
  return { request: split(pre('request')), response: split(pre('response')) }
}

/** The metadata operation an endpoint belongs to: ServiceStack names it for its request DTO. */
const opOf = (e: (typeof endpoints)[number]) =>
  (e.request as { pipe?: { type: string; title?: string }[] } | undefined)?.pipe?.find(
    (p) => p.type === 'title',
  )?.title ?? e.name

const servedBy = (e: (typeof endpoints)[number], key: string) =>
  !e.formats || e.formats.includes(key)

describe('metadata pages', () => {
  it('lists every operation with a link to its page in every format', async () => {
    const t = await makeTarget()
    const res = await t.request('/metadata')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    const page = await res.text()
    for (const e of endpoints) {
      for (const key of KEYS) {
        const link = `href="/${key}/metadata?op=${encodeURIComponent(opOf(e))}"`
        // Only the formats the operation answers in: the export has no HTML.
        if (servedBy(e, key)) expect(page).toContain(link)
        else expect(page).not.toContain(link)
      }
    }
  })

  it("describes the constraints of a member that may be null, and a dictionary's bound", async () => {
    const t = await makeTarget()
    const dto = await (await t.request('/json/metadata?op=CognitoSendConfirmCodeRequest')).text()
    expect(dto).toContain('At most 254 characters.')
    expect(dto).toMatch(/Pattern: \^\\d\{6\}\$/)
    const contact = await (await t.request('/json/metadata?op=authenticateUser')).text()
    expect(contact).toContain('At most 64 entries.')
  })

  it('states the rules authenticate-user enforces that OpenAPI says in words', async () => {
    const t = await makeTarget()
    const page = unescape(await (await t.request('/json/metadata?op=authenticateUser')).text())
    const row = (name: string) => new RegExp(`<td>${name}</td>(.*?)</tr>`).exec(page)![1]!
    expect(row('avatar_url')).toMatch(/http or https URL.*Pattern: \^\[Hh\]/)
    expect(row('avatar_url')).not.toContain('Format: uri')
    expect(row('customData')).toContain('16384 bytes as JSON')
    expect(row('http_action_overrides')).toMatch(/Latin-1.*16384 bytes as JSON/)
    // email and phone are each Required: No; the rule that one of them is must be said too.
    expect(row('email')).toMatch(/^<td>body<\/td><td>string<\/td><td>No<\/td>/)
    expect(page).toMatch(
      /<\/table><p>A contact needs an identity: an email, or a phone when it has no email\.<\/p>/,
    )
  })

  it("shows the created user's own URL as self in the HAL sample of a 201", async () => {
    const t = await makeTarget()
    const page = await (await t.request('/hal/metadata?op=CreateAmazonUser')).text()
    const body = JSON.parse(samples(page).response.body)
    expect(body._links.self.href).toBe(`/v2.0/external/alexa/users/${body._id}`)
  })

  it('has no page of samples in a format the operation does not answer in', async () => {
    const t = await makeTarget()
    expect((await t.request('/html/metadata?op=exportContacts')).status).toBe(404)
    const json = await (await t.request('/json/metadata?op=exportContacts')).text()
    expect(json).not.toContain('/html/metadata?op=exportContacts')
  })

  it.each(
    endpoints.flatMap((e) =>
      KEYS.filter((key) => servedBy(e, key)).map((key) => [e.name, key, e] as const),
    ),
  )(
    '%s in %s: routes, parameter tables, the format sentence and real samples',
    async (_name, key, e) => {
      const t = await makeTarget()
      const res = await t.request(`/${key}/metadata?op=${e.name}`)
      expect(res.status).toBe(200)
      const page = await res.text()
      expect(page).toContain(`<code>${e.method} ${e.path.replace(/:(\w+)/g, '{$1}')}</code>`)
      expect(page).toContain('<th>Name</th><th>Parameter</th><th>Data Type</th><th>Required</th>')
      expect(page).toContain(
        `To override the Content-type in your clients, use the HTTP Accept Header, append the .${key} suffix or ?format=${key}`,
      )
      expect(page).toContain(`<h2>HTTP + ${key.toUpperCase()}</h2>`)
      const { request, response } = samples(page)
      expect(request.head[0]).toMatch(/^(GET|POST|DELETE) \/\S* HTTP\/1\.1$/)
      const accept = request.head.find((l) => l.startsWith('Accept: '))!.slice(8)
      if (!e.response) return expect(response.head[0]).toMatch(/^HTTP\/1\.1 20\d/)
      if (e.download) {
        // A file to save is streamed under its name, as the export really is: no length.
        const name = new RegExp(
          `^Content-Disposition: attachment; filename="${e.download}-2026-01-02\\.[\\w.]+"$`,
        )
        expect(response.head.filter((l) => name.test(l))).toHaveLength(1)
        expect(response.head).toContain('Transfer-Encoding: chunked')
        expect(response.head.some((l) => l.startsWith('Content-Length'))).toBe(false)
      } else
        expect(response.head).toContain(
          `Content-Length: ${new TextEncoder().encode(response.body).length}`,
        )
      if (accept === 'text/csv') expect(parseCsvStrict(response.body).length).toBeGreaterThan(0)
      if (accept.includes('xml')) expect(parseXmlStrict(response.body).name).toBeTruthy()
      if (accept.includes('json')) expect(JSON.parse(response.body)).toBeTruthy()
      if (accept === 'text/html') expect(response.body).toMatch(/^<!DOCTYPE html>/)
    },
  )

  it('shows a Cognigy operation as ServiceStack would, with a CSV sample that is CSV', async () => {
    const t = await makeTarget()
    const page = await (await t.request('/csv/metadata?op=CreateAmazonUser')).text()
    expect(page).toContain('<h2>CreateAmazonUser Parameters:</h2>')
    expect(page).toContain('<td>accessToken</td><td>body</td><td>string</td><td>Yes</td>')
    expect(page).toContain('<h2>AmazonUser Parameters:</h2>')
    expect(page).toContain('<td>createdAt</td><td>form</td><td>DateTime</td><td>Yes</td>')
    const { request, response } = samples(page)
    expect(request.head).toEqual(
      expect.arrayContaining([
        'Accept: text/csv',
        'Content-Type: text/csv',
        'X-API-Key: <api key>',
      ]),
    )
    expect(parseCsvStrict(request.body)).toEqual([
      { accessToken: 'string', refreshToken: 'string' },
    ])
    expect(response.head[0]).toBe('HTTP/1.1 201 Created')
    const [row] = parseCsvStrict(response.body)
    expect(Object.keys(row!)).toEqual([
      '_id',
      'createdAt',
      'lastChanged',
      'createdBy',
      'lastChangedBy',
    ])
  })

  it("reproduces the seed's page for /csv/metadata?op=CognitoSendConfirmCodeRequest", async () => {
    const t = await makeTarget()
    const res = await t.request('/csv/metadata?op=CognitoSendConfirmCodeRequest')
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('<code>POST /CognitoSendConfirmCodeRequest</code>')
    const tables = [...page.matchAll(/<h2>(\w+) Parameters:<\/h2>/g)].map((m) => m[1])
    expect(tables).toEqual([
      'CognitoSendConfirmCodeRequest',
      'CognitoSendConfirmCodeResponse',
      'CognitoUser',
      'CognitoUserSession',
      'CognitoDevice',
      'CognitoUserPool',
    ])
    expect(page).toContain('<td>EmailAddress</td><td>body</td><td>string</td><td>No</td>')
    expect(page).toContain('<td>Data</td><td>form</td><td>CognitoUser</td><td>No</td>')
    expect(page).toContain(
      '<td>Attributes</td><td>form</td><td>Dictionary&lt;string, string&gt;</td>',
    )
    expect(page).toContain('<td>ExpirationTime</td><td>form</td><td>DateTime</td>')
    expect(page).toContain('<td>User</td><td>form</td><td>CognitoUser</td>')
    expect(page).toContain('<td>CachedResponse</td><td>form</td><td>bool</td>')
    const { request, response } = samples(page)
    // The sample is the flow's first step, which a client can send as it is, and its answer.
    // (CSV writes every column the DTO has; an empty cell is an absent member.)
    expect(parseCsvStrict(request.body)).toEqual([
      { EmailAddress: 'user@example.com', ConfirmationCode: '' },
    ])
    const [row] = parseCsvStrict(response.body)
    expect(row).toMatchObject({ Total: '1', OpCode: '0', 'Data.Status': 'UNCONFIRMED' })
    // Sent as it is, the sample request is answered with the sample's columns.
    const real = await t.request('/CognitoSendConfirmCodeRequest', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Accept: 'text/csv' },
      body: request.body,
    })
    expect(real.status).toBe(200)
    const [answer] = parseCsvStrict(await real.text())
    expect(answer).toMatchObject({ OpCode: '0', 'Data.Status': 'UNCONFIRMED' })
    expect(Object.keys(answer!)).toEqual(Object.keys(row!))
  })

  it('finds an operation by its request DTO, its endpoint name, in any case', async () => {
    const t = await makeTarget()
    for (const op of ['CreateAmazonUser', 'createamazonuser', 'createAmazonUser']) {
      expect((await t.request(`/metadata?op=${op}`)).status, op).toBe(200)
    }
    expect((await t.request('/metadata?op=nope')).status).toBe(404)
    expect((await t.request('/pdf/metadata?op=CreateAmazonUser')).status).toBe(404)
  })

  it.each([
    ['/metadata.xml', 'application/problem+xml'],
    ['/metadata?format=csv', 'text/csv'],
    ['/metadata.json?op=CreateAmazonUser', 'application/problem+json'],
    ['/xml/metadata.json?op=CreateAmazonUser', 'application/problem+json'],
    ['/csv/metadata?op=CreateAmazonUser&Format=hal', 'application/problem+json'],
  ])(
    'answers %s, a format marker the HTML page does not come in, with a 406 naming HTML',
    async (path, type) => {
      const t = await makeTarget()
      const res = await t.request(path, { headers: { Accept: 'text/html' } })
      expect(res.status).toBe(406)
      expect(res.headers.get('Content-Type')!.split(';')[0]).toBe(type)
      expect(await res.text()).toContain('text/html')
    },
  )

  it.each(['/metadata.html', '/metadata?format=html', '/xml/metadata.html?op=CreateAmazonUser'])(
    'serves %s, whose format marker names HTML',
    async (path) => {
      const t = await makeTarget()
      const res = await t.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    },
  )

  it.each(
    ['/metadata', '/xml/metadata?op=CreateAmazonUser'].flatMap((path) =>
      ['image/png', 'text/css', '*/*;q=0', 'application/json', 'text/csv'].map(
        (accept) => [path, accept] as const,
      ),
    ),
  )('serves %s with Accept: %s as the HTML page it is', async (path, accept) => {
    const t = await makeTarget()
    const res = await t.request(path, { headers: { Accept: accept } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
  })

  it.each([
    ['/metadata?op=nope', 'image/png', 'application/problem+json'],
    ['/metadata?op=nope', 'application/problem+xml', 'application/problem+xml'],
    ['/metadata?op=nope', 'text/csv', 'text/csv'],
    ['/pdf/metadata?op=CreateAmazonUser', 'image/png', 'application/problem+json'],
  ])(
    'answers %s with Accept: %s with a 404 as %s, as any route answers a failure',
    async (path, accept, type) => {
      const t = await makeTarget()
      const res = await t.request(path, { headers: { Accept: accept } })
      expect(res.status).toBe(404)
      expect(res.headers.get('Content-Type')!.split(';')[0]).toBe(type)
    },
  )

  it('answers an unknown operation with a 404 whatever format the URL names', async () => {
    const t = await makeTarget()
    expect((await t.request('/metadata.xml?op=nope')).status).toBe(404)
  })
})
