import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { type Dto, encodeDto, OP, opRequest, readDto } from '../support/cognito.ts'
import { BODY_TYPES } from '../support/requests.ts'

const EMAIL = 'ada@example.com'

describe('CognitoSendConfirmCodeRequest bodies in every accepted Content-Type', () => {
  it.each(BODY_TYPES)('sends and confirms with %s bodies', async (contentType) => {
    const t = await makeTarget()
    const sent = await t.request(
      OP,
      opRequest({ EmailAddress: EMAIL }, 'application/json', contentType),
    )
    expect(sent.status).toBe(200)
    const code = t.codeSender.last(EMAIL)!
    const dto = { EmailAddress: EMAIL, ConfirmationCode: code }
    const confirmed = await t.request(OP, opRequest(dto, 'application/json', contentType))
    expect(await readDto(confirmed)).toMatchObject({ OpCode: '0', 'Data.Status': 'CONFIRMED' })
  })

  // What ServiceStack's own clients write for a DTO whose ConfirmationCode is not set.
  const DATA_CONTRACT =
    '<CognitoSendConfirmCodeRequest xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xmlns="http://schemas.datacontract.org/2004/07/Cdn.Api">' +
    '<ConfirmationCode i:nil="true"/><EmailAddress>ada@example.com</EmailAddress>' +
    '</CognitoSendConfirmCodeRequest>'
  it.each([
    ['JSON', 'application/json', JSON.stringify({ EmailAddress: EMAIL, ConfirmationCode: null })],
    ['XML (DataContractSerializer)', 'application/xml', DATA_CONTRACT],
  ])('reads a null ConfirmationCode in %s as absent: it sends a code', async (_, type, body) => {
    const t = await makeTarget()
    const res = await t.request(OP, {
      method: 'POST',
      headers: { 'Content-Type': type, Accept: 'application/json' },
      body,
    })
    expect(res.status).toBe(200)
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Status': 'UNCONFIRMED' })
    expect(t.codeSender.last(EMAIL)).toMatch(/^\d{6}$/)
  })

  it('reads a null EmailAddress as absent: it is required', async () => {
    const t = await makeTarget()
    const res = await t.request(OP, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ EmailAddress: null, ConfirmationCode: null }),
    })
    expect(res.status).toBe(400)
    expect(await readDto(res)).toMatchObject({ OpCode: '1000' })
    expect(t.codeSender.sent).toEqual([])
  })

  it('reads ServiceStack GET requests from the query string, whatever the format', async () => {
    const t = await makeTarget()
    const email = encodeURIComponent(EMAIL)
    const sent = await t.request(`${OP}?EmailAddress=${email}&format=csv`)
    expect(sent.headers.get('Content-Type')).toContain('text/csv')
    expect(await readDto(sent)).toMatchObject({ OpCode: '0', 'Data.Status': 'UNCONFIRMED' })
    const code = t.codeSender.last(EMAIL)!
    const confirmed = await t.request(
      `/xml/reply${OP}?EmailAddress=${email}&ConfirmationCode=${code}`,
    )
    expect(await readDto(confirmed)).toMatchObject({
      root: 'CognitoSendConfirmCodeResponse',
      'Data.Status': 'CONFIRMED',
    })
    expect(confirmed.headers.get('Cache-Control')).toBe('no-store')
  })

  it('refuses HEAD, which would otherwise run the GET operation', async () => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?EmailAddress=${encodeURIComponent(EMAIL)}`, {
      method: 'HEAD',
    })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, POST')
    expect(t.codeSender.sent).toEqual([])
    expect(await t.query('SELECT id FROM cognito_users')).toEqual([])
  })

  it('answers a malformed query string with a 400 DTO, code 1002', async () => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?EmailAddress=a%ZZ`)
    expect(res.status).toBe(400)
    expect(await readDto(res)).toMatchObject({
      OpCode: '1002',
      ErrorText: expect.stringContaining('%ZZ'),
    })
  })
})

describe('CognitoSendConfirmCodeRequest validation failures are DTOs', () => {
  const cases: [string, string, string, string][] = [
    ['an empty body', 'application/json', '', 'EmailAddress is required'],
    ['an empty CSV body', 'text/csv', '', 'EmailAddress is required'],
    // RFC 4180: one record of one empty field, not a header without a row (1001).
    [
      'a CSV row whose one cell is ""',
      'text/csv',
      'EmailAddress\r\n""\r\n',
      'EmailAddress is required',
    ],
    [
      'a code without an address',
      'application/json',
      '{"ConfirmationCode":"123456"}',
      'EmailAddress is required',
    ],
    [
      'a bad address',
      'application/json',
      '{"EmailAddress":"not-an-address"}',
      'EmailAddress must be an email address',
    ],
    [
      'a number for the address',
      'application/json',
      '{"EmailAddress":42}',
      'EmailAddress must be a string',
    ],
    [
      'a 5-digit code',
      'text/csv',
      `EmailAddress,ConfirmationCode\r\n${EMAIL},12345\r\n`,
      'ConfirmationCode must be 6 digits',
    ],
    [
      'a code of letters',
      'application/x-www-form-urlencoded',
      `EmailAddress=${EMAIL}&ConfirmationCode=abcdef`,
      'ConfirmationCode must be 6 digits',
    ],
    [
      'a bare JSON string',
      'application/json',
      '"ada@example.com"',
      'The request must be an object, not a string',
    ],
    ['JSON null', 'application/json', 'null', 'The request must be an object, not null'],
    [
      'an empty JSON array',
      'application/json',
      '[]',
      'The request must be an object, not an array',
    ],
    [
      'the request in a JSON array',
      'application/json',
      '[{"EmailAddress":"ada@example.com"}]',
      'The request must be an object, not an array',
    ],
  ]

  it.each(cases)(
    'answers %s with 400, code 1000, storing nothing',
    async (_, contentType, body, text) => {
      const t = await makeTarget()
      const res = await t.request(OP, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body,
      })
      expect(res.status).toBe(400)
      expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
      const dto = await readDto(res)
      expect(dto).toMatchObject({ OpCode: '1000', Total: '0', CachedResponse: 'false' })
      expect(dto.ErrorText).toContain(text)
      expect(await t.query('SELECT id FROM cognito_users')).toEqual([])
      expect(t.codeSender.sent).toEqual([])
    },
  )

  it.each([
    ['malformed JSON', 'application/json', '{"EmailAddress":'],
    [
      'XML with a DOCTYPE',
      'application/xml',
      '<!DOCTYPE x [<!ENTITY e "e">]><x><EmailAddress>&e;</EmailAddress></x>',
    ],
    ['CSV with two data rows', 'text/csv', `EmailAddress\r\n${EMAIL}\r\n${EMAIL}\r\n`],
  ])('answers %s with 400, code 1001', async (_, contentType, body) => {
    const t = await makeTarget()
    const res = await t.request(OP, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Accept: 'application/xml' },
      body,
    })
    expect(res.status).toBe(400)
    const dto: Dto & { root?: string } = await readDto(res)
    expect(dto).toMatchObject({ root: 'CognitoSendConfirmCodeResponse', OpCode: '1001' })
    expect(dto.ErrorText).toMatch(new RegExp(`^The ${contentType} body could not be read: `))
  })

  it.each([
    ['with its Content-Length', true],
    ['without a Content-Length', false],
  ])('answers a body over the size limit %s with a 413 DTO, code 1050', async (_, length) => {
    const t = await makeTarget()
    const body = JSON.stringify({ EmailAddress: EMAIL, Padding: 'x'.repeat(1024 * 1024) })
    const res = await t.request(OP, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/xml',
        ...(length ? { 'Content-Length': String(body.length) } : {}),
      },
      body,
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('Content-Type')).toBe('application/xml; charset=utf-8')
    const dto = await readDto(res)
    expect(dto).toMatchObject({ root: 'CognitoSendConfirmCodeResponse', OpCode: '1050' })
    expect(dto.ErrorText).toBe('The request body is larger than 1048576 bytes.')
    expect(t.codeSender.sent).toEqual([])
    expect(await t.query('SELECT id FROM cognito_users')).toEqual([])
  })

  it('answers a body type it cannot read with 415, code 1060', async () => {
    const t = await makeTarget()
    const res = await t.request(OP, {
      method: 'POST',
      headers: { 'Content-Type': 'application/pdf', Accept: 'text/csv' },
      body: encodeDto('application/json', { EmailAddress: EMAIL }),
    })
    expect(res.status).toBe(415)
    expect(await readDto(res)).toMatchObject({ OpCode: '1060' })
  })
})

describe('CognitoSendConfirmCodeRequest binds the query string on POST too', () => {
  const post = (
    query: string,
    dto: Dto,
    contentType = 'application/json',
  ): [string, RequestInit] => [`${OP}?${query}`, opRequest(dto, 'application/json', contentType)]

  it('confirms with a code in the query and the address in the body, sending no new code', async () => {
    const t = await makeTarget()
    await t.request(OP, opRequest({ EmailAddress: EMAIL }))
    const code = t.codeSender.last(EMAIL)!
    const res = await t.request(...post(`ConfirmationCode=${code}`, { EmailAddress: EMAIL }))
    expect(res.status).toBe(200)
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Status': 'CONFIRMED' })
    expect(t.codeSender.sent).toHaveLength(1)
  })

  it.each(BODY_TYPES)('takes the address from the query with an empty %s body', async (type) => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?EmailAddress=${encodeURIComponent(EMAIL)}`, {
      method: 'POST',
      headers: { 'Content-Type': type },
    })
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
  })

  it('accepts a member given in both with one value, and ignores parameters it does not name', async () => {
    const t = await makeTarget()
    const res = await t.request(
      ...post(`EmailAddress=${encodeURIComponent(EMAIL)}&utm_source=x`, { EmailAddress: EMAIL }),
    )
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
  })

  it('reads one address in the query and another letter case of it in the body as one value', async () => {
    const t = await makeTarget()
    const res = await t.request(
      ...post(`EmailAddress=${encodeURIComponent(EMAIL)}`, { EmailAddress: EMAIL.toUpperCase() }),
    )
    expect(res.status).toBe(200)
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
    expect(t.codeSender.sent).toHaveLength(1)
  })

  it.each(BODY_TYPES)(
    'answers a member the query and a %s body give differently with 400, code 1002, naming it',
    async (type) => {
      const t = await makeTarget()
      await t.request(OP, opRequest({ EmailAddress: EMAIL }))
      const code = t.codeSender.last(EMAIL)!
      const res = await t.request(
        ...post(
          'emailaddress=eve%40example.com',
          { EmailAddress: EMAIL, ConfirmationCode: code },
          type,
        ),
      )
      expect(res.status).toBe(400)
      const dto = await readDto(res)
      expect(dto).toMatchObject({ OpCode: '1002', Total: '0' })
      expect(dto.ErrorText).toBe(
        'EmailAddress is given in the query string and in the body with different values; send it once.',
      )
      expect(t.codeSender.sent).toHaveLength(1)
      expect(
        await t.query("SELECT email FROM cognito_users WHERE email <> 'ada@example.com'"),
      ).toEqual([])
    },
  )
})

describe('CognitoSendConfirmCodeRequest member names in any letter case', () => {
  it.each(BODY_TYPES)('sends and confirms with %s bodies', async (contentType) => {
    const t = await makeTarget()
    const sent = await t.request(
      OP,
      opRequest({ emailaddress: EMAIL }, 'application/json', contentType),
    )
    expect(await readDto(sent)).toMatchObject({ OpCode: '0', 'Data.Status': 'UNCONFIRMED' })
    const code = t.codeSender.last(EMAIL)!
    const dto = { EMAILADDRESS: EMAIL, confirmationCode: code }
    const confirmed = await t.request(OP, opRequest(dto, 'application/json', contentType))
    expect(await readDto(confirmed)).toMatchObject({ OpCode: '0', 'Data.Status': 'CONFIRMED' })
  })

  it('reads ?emailaddress= on GET', async () => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?emailaddress=${encodeURIComponent(EMAIL)}`)
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
  })

  it.each([
    ['application/json', '{"EmailAddress":"a@example.com","emailAddress":"b@example.com"}'],
    [
      'application/xml',
      '<R><EmailAddress>a@example.com</EmailAddress><emailaddress>b@example.com</emailaddress></R>',
    ],
    ['text/csv', 'EmailAddress,EMAILADDRESS\r\na@example.com,b@example.com\r\n'],
    ['application/x-www-form-urlencoded', 'EmailAddress=a%40example.com&emailaddress='],
  ])('answers two spellings of one member in a %s body with 400, code 1001', async (type, body) => {
    const t = await makeTarget()
    const res = await t.request(OP, { method: 'POST', headers: { 'Content-Type': type }, body })
    expect(res.status).toBe(400)
    const dto = await readDto(res)
    expect(dto.OpCode).toBe('1001')
    expect(dto.ErrorText).toMatch(/"<?EmailAddress>?" and "<?emailaddress>?" name the same member/i)
    expect(t.codeSender.sent).toEqual([])
  })

  it('answers two spellings of one member in the query with 400, code 1002', async () => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?EmailAddress=a%40example.com&EMAILADDRESS=b%40example.com`)
    expect(res.status).toBe(400)
    expect(await readDto(res)).toMatchObject({ OpCode: '1002' })
    expect(t.codeSender.sent).toEqual([])
  })
})
