import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { OP, opRequest, readDto } from '../support/cognito.ts'
import { child, parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'

const EMAIL = 'ada@example.com'
const CSV_TYPE = 'text/csv; charset=utf-8; header=present'
const BASE_RESPONSE = [
  'Total',
  'OpCode',
  'ErrorText',
  'RequestTime',
  'ResponseTime',
  'TotalExecutionTime',
  'CachedResponse',
]

/** The seed's sample request: Accept and Content-Type text/csv. */
const seedRequest = (body: string, accept = 'text/csv'): RequestInit => ({
  method: 'POST',
  headers: { Accept: accept, 'Content-Type': 'text/csv' },
  body,
})

describe("the ServiceStack seed's HTTP + CSV sample", () => {
  it('answers a CSV body with a CSV DTO: BaseResponse columns, then Data.*', async () => {
    const t = await makeTarget()
    const res = await t.request(
      OP,
      seedRequest(`EmailAddress,ConfirmationCode\r\n${EMAIL},\r\n`, 'text/csv'),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(CSV_TYPE)
    const text = await res.text()
    const header = text.split('\r\n')[0]!.split(',')
    expect(header.slice(0, 7)).toEqual(BASE_RESPONSE)
    expect(header).toEqual(
      expect.arrayContaining([
        'Data.SessionTokens.IdToken',
        'Data.UserID',
        'Data.UserPool.PoolID',
        'Data.Status',
        'Data.Attributes.email',
        'Data2.UserID',
      ]),
    )
    expect(header.some((name) => name.includes('Device'))).toBe(false)
    const [row, ...more] = parseCsvStrict(text)
    expect(more).toEqual([])
    expect(row).toMatchObject({
      Total: '1',
      OpCode: '0',
      ErrorText: '',
      RequestTime: '2026-01-02T03:04:05.000Z',
      ResponseTime: '2026-01-02T03:04:05.000Z',
      CachedResponse: 'false',
      'Data.Username': EMAIL,
      'Data.Status': 'UNCONFIRMED',
      'Data.Attributes.email_verified': 'false',
      'Data2.UserID': '',
    })
    expect(row!.TotalExecutionTime).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{7}$/)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it("answers the seed's JSON-under-text/csv body with a 400 DTO saying what CSV to send", async () => {
    const t = await makeTarget()
    const body = '{"EmailAddress":"String","ConfirmationCode":"String"}'
    const res = await t.request(OP, seedRequest(body))
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe(CSV_TYPE)
    const [row] = parseCsvStrict(await res.text())
    expect(row).toMatchObject({ OpCode: '1001', Total: '0' })
    expect(row!.ErrorText).toContain(
      'A CSV body is a header row naming the fields and one data row',
    )
    expect(row!.ErrorText).toContain('EmailAddress,ConfirmationCode')
    expect(row!.ErrorText).toContain('send it as application/json')
    expect(await t.query('SELECT id FROM cognito_users')).toEqual([])
  })
})

describe('format overrides in the URL', () => {
  const expected: Record<string, string> = {
    json: 'application/json; charset=utf-8',
    hal: 'application/hal+json; charset=utf-8',
    xml: 'application/xml; charset=utf-8',
    csv: CSV_TYPE,
  }
  const styles = [
    ['a path suffix', (key: string) => `${OP}.${key}`],
    ['?format=', (key: string) => `${OP}?format=${key}`],
    // ServiceStack reads query names in any letter case, its format marker's too.
    ['?Format=', (key: string) => `${OP}?Format=${key}`],
    ['?FORMAT=', (key: string) => `${OP}?FORMAT=${key}`],
    ['the /{format}/reply/ route', (key: string) => `/${key}/reply${OP}`],
  ] as const

  for (const [style, url] of styles) {
    it.each(Object.keys(expected))(`serves %s through ${style}, over Accept`, async (key) => {
      const t = await makeTarget()
      // Accept names another format, so only the URL can have chosen this one.
      const accept = key === 'json' ? 'text/csv' : 'application/json'
      const res = await t.request(url(key), opRequest({ EmailAddress: EMAIL }, accept))
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe(expected[key])
      const dto = await readDto(res)
      expect(dto).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
      if (key === 'xml') expect(dto.root).toBe('CognitoSendConfirmCodeResponse')
    })
  }
})

describe('format markers that disagree', () => {
  it.each([
    [`${OP}.csv?format=xml`, '.csv, ?format=xml'],
    [`/json/reply${OP}.xml`, '.xml, /json/reply/'],
    [`/xml/reply${OP}?format=csv`, '/xml/reply/, ?format=csv'],
    [`${OP}.csv?Format=xml`, '.csv, ?Format=xml'],
  ])('answers %s with 406 naming %s, and sends nothing', async (url, markers) => {
    const t = await makeTarget()
    const res = await t.request(url, opRequest({ EmailAddress: EMAIL }))
    expect(res.status).toBe(406)
    const problem = await res.json<any>()
    expect(problem).toMatchObject({ code: 1041, status: 406 })
    expect(problem.detail).toBe(`The URL names different formats (${markers}); name one format.`)
    expect(t.codeSender.sent).toEqual([])
  })

  it('answers ?format= given twice in two spellings with 406, and sends nothing', async () => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?format=csv&Format=xml`, opRequest({ EmailAddress: EMAIL }))
    expect(res.status).toBe(406)
    expect(await res.json<any>()).toMatchObject({
      code: 1041,
      detail: '?format= is given more than once ("csv", "xml"); name one format.',
    })
    expect(t.codeSender.sent).toEqual([])
  })

  it.each([`${OP}.csv?format=pdf`, `/csv/reply${OP}?format=pdf`, `${OP}?Format=pdf`])(
    'answers %s (an unknown ?format= after a path marker) with 406',
    async (url) => {
      const t = await makeTarget()
      const res = await t.request(url, opRequest({ EmailAddress: EMAIL }))
      expect(res.status).toBe(406)
      expect(await res.json<any>()).toMatchObject({
        code: 1041,
        detail: 'There is no format "pdf".',
      })
      expect(t.codeSender.sent).toEqual([])
    },
  )

  it.each([`${OP}.csv?format=CSV`, `/csv/reply${OP}.csv`, `${OP}.csv?FORMAT=csv`])(
    'serves %s, whose markers agree',
    async (url) => {
      const t = await makeTarget()
      const res = await t.request(url, opRequest({ EmailAddress: EMAIL }))
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toBe(CSV_TYPE)
    },
  )

  it.each(['/csv/reply/contacts', '/xml/reply/healthz', '/json/reply/metadata', '/json/reply/x'])(
    'answers %s, which names no ServiceStack operation, with 404',
    async (url) => {
      const t = await makeTarget()
      const res = await t.request(url)
      expect(res.status).toBe(404)
      expect(await res.json<any>()).toMatchObject({ code: 1021 })
    },
  )
})

describe('the operation routes in any letter case, as ServiceStack routes', () => {
  it.each([
    ['/cognitosendconfirmcoderequest', 'application/json; charset=utf-8'],
    ['/COGNITOSENDCONFIRMCODEREQUEST.csv', CSV_TYPE],
    ['/json/reply/cognitosendconfirmcoderequest', 'application/json; charset=utf-8'],
    ['/XML/reply/cognitoSendConfirmCodeRequest', 'application/xml; charset=utf-8'],
  ])('serves POST %s', async (url, contentType) => {
    const t = await makeTarget()
    const res = await t.request(url, opRequest({ EmailAddress: EMAIL }))
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe(contentType)
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
    expect(t.codeSender.last(EMAIL)).toMatch(/^\d{6}$/)
  })

  it('serves GET in any letter case and links itself by the operation path', async () => {
    const t = await makeTarget()
    const res = await t.request(`/cognitosendconfirmcoderequest.hal?EmailAddress=${EMAIL}`)
    expect(res.status).toBe(200)
    // The operation's own spelling, with the format the URL named.
    expect((await res.json<any>())._links.self.href).toBe(`${OP}.hal`)
  })

  it('answers another method in any letter case with 405 and the same Allow', async () => {
    const t = await makeTarget()
    const res = await t.request('/cognitosendconfirmcoderequest', { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, POST')
  })

  it('keeps the other routes exact: /Healthz is no route', async () => {
    const t = await makeTarget()
    expect((await t.request('/Healthz')).status).toBe(404)
  })
})

describe('the response DTO in XML, CSV and HAL', () => {
  const sendThenConfirm = async (accept: string) => {
    const t = await makeTarget()
    await t.request(OP, opRequest({ EmailAddress: EMAIL }))
    const code = t.codeSender.last(EMAIL)!
    return t.request(`${OP}.${accept}`, opRequest({ EmailAddress: EMAIL, ConfirmationCode: code }))
  }

  it('is an XML document rooted at CognitoSendConfirmCodeResponse with keyed dictionaries', async () => {
    const root = parseXmlStrict(await (await sendThenConfirm('xml')).text())
    expect(root.name).toBe('CognitoSendConfirmCodeResponse')
    expect(root.children.map((c) => c.name)).toEqual([
      ...BASE_RESPONSE.filter((n) => n !== 'ErrorText'),
      'Data',
      'Data2',
    ])
    const data = child(root, 'Data')!
    expect(child(data, 'SessionTokens')!.children.map((c) => c.name)).toEqual([
      'IdToken',
      'AccessToken',
      'RefreshToken',
      'ExpirationTime',
      'IssuedTime',
    ])
    expect(
      child(data, 'Attributes')!.children.map((e) => [e.name, e.attributes.key, e.text]),
    ).toEqual([
      ['entry', 'email', EMAIL],
      ['entry', 'email_verified', 'true'],
    ])
    expect(child(child(data, 'UserPool')!, 'PoolID')!.text).toBe('us-east-1_ConnegGw1')
    expect(child(data, 'Device')).toBeUndefined()
    expect(child(child(root, 'Data2')!, 'SessionTokens')).toBeUndefined()
  })

  it('is one CSV row holding both users, session tokens under Data only', async () => {
    const [row] = parseCsvStrict(await (await sendThenConfirm('csv')).text())
    expect(row).toMatchObject({
      Total: '2',
      'Data.Status': 'CONFIRMED',
      'Data.Attributes.email_verified': 'true',
      'Data2.Status': 'UNCONFIRMED',
      'Data2.Attributes.email_verified': 'false',
      'Data2.SessionTokens.IdToken': '',
    })
    expect(row!['Data.SessionTokens.IdToken']).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('links itself in HAL, by the URL that named the format', async () => {
    const body = await (await sendThenConfirm('hal')).json<any>()
    expect(body._links).toEqual({ self: { href: `${OP}.hal` } })
    expect(body.Data.Settings).toEqual({})
  })

  it('is listed in the index', async () => {
    const t = await makeTarget()
    const index = await (
      await t.request('/', { headers: { Accept: 'application/hal+json' } })
    ).json<any>()
    expect(index._links.cognitoSendConfirmCode.href).toBe(OP)
    expect(index.routes).toContainEqual(expect.objectContaining({ method: 'GET', path: OP }))
  })
})
