import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { API_KEY } from '../support/deterministic.ts'
import { USERS } from '../support/requests.ts'

const LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><x><accessToken>&lol3;</accessToken><refreshToken>r</refreshToken></x>`
const XXE = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x><accessToken>&e;</accessToken><refreshToken>r</refreshToken></x>`
const TOKENS = '"accessToken":"a","refreshToken":"r"'

const USER_XML = '<x><accessToken>a</accessToken><refreshToken>r</refreshToken></x>'

/** Posts `body` as `type` to create an Alexa user, with the API key. */
const postAs = (t: Awaited<ReturnType<typeof makeTarget>>, type: string, body: BodyInit) =>
  t.request(USERS, {
    method: 'POST',
    headers: { 'Content-Type': type, 'X-API-Key': API_KEY },
    body,
  })
const LATIN1 = '<?xml version="1.0" encoding="ISO-8859-1"?>'

/** `text` as UTF-16 code units, little- or big-endian, after a byte order mark if asked. */
const utf16 = (text: string, { bigEndian = false, mark = true } = {}): Uint8Array<ArrayBuffer> => {
  const units = [...(mark ? [0xfeff] : []), ...[...text].map((c) => c.charCodeAt(0))]
  const bytes = new Uint8Array(units.length * 2)
  const view = new DataView(bytes.buffer)
  units.forEach((unit, i) => view.setUint16(i * 2, unit, !bigEndian))
  return bytes
}

/** `text` with each character as one byte (Latin-1). */
const latin1 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(text, (c) => c.charCodeAt(0))

/** `text` compressed as gzip, with the runtime's own `CompressionStream`. */
const gzip = (text: string): Promise<ArrayBuffer> =>
  new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer()

// Each row: what is sent, the status and problem code it gets, and what its detail says.
const cases: [string, string, BodyInit, number, number, string][] = [
  ['malformed JSON', 'application/json', '{"accessToken":', 400, 1001, 'malformed JSON'],
  ['JSON with a trailing comma', 'application/json', `{${TOKENS},}`, 400, 1001, 'malformed JSON'],
  [
    'malformed XML',
    'application/xml',
    '<x><accessToken>a</refreshToken></x>',
    400,
    1001,
    'Malformed XML',
  ],
  [
    'truncated XML',
    'text/xml',
    '<x><accessToken>a</accessToken><refre',
    400,
    1001,
    'Malformed XML',
  ],
  [
    'a billion-laughs DOCTYPE',
    'application/xml',
    LAUGHS,
    400,
    1001,
    'XML bodies must not contain a DOCTYPE or entity declarations',
  ],
  [
    'an external entity',
    'text/xml',
    XXE,
    400,
    1001,
    'XML bodies must not contain a DOCTYPE or entity declarations',
  ],
  [
    '100k-deep JSON',
    'application/json',
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    400,
    1001,
    'JSON nested deeper than 32 levels',
  ],
  [
    '100k-deep XML',
    'application/xml',
    `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`,
    400,
    1001,
    'XML nested deeper than 32 levels',
  ],
  [
    'a __proto__ key in JSON',
    'application/json',
    `{"__proto__":{"polluted":1},${TOKENS}}`,
    400,
    1001,
    'member "__proto__" is not allowed',
  ],
  [
    'a nested constructor key in JSON',
    'application/json',
    `{${TOKENS},"x":{"constructor":{"prototype":{"polluted":1}}}}`,
    400,
    1001,
    'member "constructor" is not allowed',
  ],
  [
    'a JSON member given twice',
    'application/json',
    `{${TOKENS},"accessToken":"b"}`,
    400,
    1001,
    'member "accessToken" is given twice',
  ],
  [
    'an XML member given twice',
    'application/xml',
    '<x><accessToken>a</accessToken><refreshToken>r</refreshToken><accessToken>b</accessToken></x>',
    400,
    1001,
    '<accessToken> is given twice',
  ],
  [
    'a __proto__ element in XML',
    'application/xml',
    '<x><__proto__><polluted>1</polluted></__proto__><accessToken>a</accessToken><refreshToken>r</refreshToken></x>',
    400,
    1001,
    'element name "__proto__" is not allowed',
  ],
  [
    'a __proto__ column in CSV',
    'text/csv',
    'accessToken,refreshToken,__proto__.polluted\r\na,r,1\r\n',
    400,
    1001,
    'names the forbidden member "__proto__"',
  ],
  [
    'a __proto__ form field',
    'application/x-www-form-urlencoded',
    'accessToken=a&refreshToken=r&__proto__.polluted=1',
    400,
    1001,
    'names the forbidden member "__proto__"',
  ],
  [
    'invalid UTF-8',
    'application/json',
    new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    400,
    1001,
    'The body is not valid UTF-8',
  ],
  [
    'a CSV header with no row',
    'text/csv',
    'accessToken,refreshToken\r\n',
    400,
    1001,
    'has a header row but no data row',
  ],
  [
    'CSV with the wrong column count',
    'text/csv',
    'accessToken,refreshToken\r\na,r,extra\r\n',
    400,
    1001,
    'names 2 fields but the data row has 3',
  ],
  [
    'JSON sent as text/csv',
    'text/csv',
    `{${TOKENS}}`,
    400,
    1001,
    'this looks like JSON; send it as application/json',
  ],
  [
    'a form with a broken escape',
    'application/x-www-form-urlencoded',
    'accessToken=%zz&refreshToken=r',
    400,
    1001,
    'broken percent-escape "%zz"',
  ],
  [
    'a number where a token belongs',
    'application/json',
    '{"accessToken":5,"refreshToken":"r"}',
    400,
    1000,
    'Validation failed',
  ],
  [
    'a 3 MB body',
    'application/json',
    `{"accessToken":"${'a'.repeat(3 * 1024 * 1024)}","refreshToken":"r"}`,
    413,
    1050,
    'larger than 1048576 bytes',
  ],
  [
    'an unknown Content-Type',
    'application/yaml',
    'accessToken: a',
    415,
    1060,
    'Content-Type "application/yaml" cannot be read',
  ],
  [
    'a non-UTF-8 charset',
    'application/json; charset=iso-8859-1',
    `{${TOKENS}}`,
    415,
    1060,
    'Only UTF-8 bodies are accepted, not charset "iso-8859-1"',
  ],
  [
    'two charsets',
    'application/json; charset=utf-8; charset=iso-8859-1',
    `{${TOKENS}}`,
    415,
    1060,
    'names charset twice',
  ],
  // Read as header + data, two rows without a header row would be misread as a header.
  [
    'CSV declared without a header row',
    'text/csv; header=absent',
    'a,r\r\nb,s\r\n',
    415,
    1060,
    'read with header=present',
  ],
  [
    'CSV with a quoted header=absent',
    'text/csv;header="absent"',
    'a,r\r\nb,s\r\n',
    415,
    1060,
    'read with header=present',
  ],
  [
    'XML declared ISO-8859-1',
    'application/xml',
    LATIN1 + USER_XML,
    415,
    1060,
    'Only UTF-8 bodies are accepted, not encoding "ISO-8859-1"',
  ],
  [
    'Latin-1 bytes declared so',
    'text/xml',
    latin1(`${LATIN1}<x><accessToken>Jos\u00e9</accessToken></x>`),
    415,
    1060,
    'Only UTF-8 bodies are accepted, not encoding "ISO-8859-1"',
  ],
  [
    'UTF-8 bytes declared UTF-16',
    'application/xml',
    `<?xml version="1.0" encoding="UTF-16"?>${USER_XML}`,
    415,
    1060,
    'Only UTF-8 bodies are accepted, not encoding "UTF-16"',
  ],
  [
    'XML in UTF-16 with a byte order mark',
    'application/xml',
    utf16(USER_XML),
    415,
    1060,
    'starts with a UTF-16LE byte order mark',
  ],
  [
    'XML in UTF-16BE without a byte order mark',
    'text/xml',
    utf16(`<?xml version="1.0"?>${USER_XML}`, { bigEndian: true, mark: false }),
    415,
    1060,
    'not encoding "UTF-16BE"',
  ],
  [
    'JSON in UTF-16 with a byte order mark',
    'application/json',
    utf16(`{${TOKENS}}`, { bigEndian: true }),
    415,
    1060,
    'starts with a UTF-16BE byte order mark',
  ],
  [
    'a charset the XML declaration contradicts',
    'application/xml; charset=utf-8',
    LATIN1 + USER_XML,
    415,
    1060,
    'says charset "utf-8" but the body says encoding "ISO-8859-1"',
  ],
  [
    'a malformed XML declaration',
    'application/xml',
    `<?xml encoding="UTF-8"?>${USER_XML}`,
    400,
    1001,
    'Malformed XML declaration',
  ],
]

describe('hostile request bodies', () => {
  it.each(cases)(
    'answers %s with a 4xx problem saying why, and stores nothing',
    async (_, type, body, status, code, detail) => {
      const t = await makeTarget()
      const res = await t.request(USERS, {
        method: 'POST',
        headers: { 'Content-Type': type, 'X-API-Key': API_KEY },
        body,
      })
      expect(res.status).toBe(status)
      expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
      const problem = await res.json<any>()
      expect(problem.status).toBe(status)
      expect(problem.code).toBe(code)
      expect(problem.detail).toContain(detail)
      expect(problem.traceId).toBe(res.headers.get('X-Trace-Id'))
      if (status === 415) expect(problem.details.accepted).toContain('text/csv')
      if (status === 413) expect(problem.details.maxBytes).toBe(1024 * 1024)
      expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect((await t.request('/healthz')).status).toBe(200)
    },
  )

  it.each([
    ['a CSV column', 'text/csv', 'accessToken,refreshToken,accessToken\r\na,r,b\r\n'],
    [
      'a form field',
      'application/x-www-form-urlencoded',
      'accessToken=a&refreshToken=r&accessToken=b',
    ],
  ])('answers %s given twice with a 400 pointing at its member', async (_, type, body) => {
    const t = await makeTarget()
    const res = await postAs(t, type, body)
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem).toMatchObject({
      code: 1001,
      details: { errors: [{ pointer: '/accessToken' }] },
    })
    expect(problem.details.errors).toHaveLength(1)
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  // Bodies that name exactly `n` members, elements and attributes, columns or fields, the two
  // tokens among them: the limit is 10,000 (SECURITY.md), so 10,000 is read and 10,001 is not.
  const many = (n: number, each: (i: number) => string, separator = '') =>
    Array.from({ length: n }, (_, i) => each(i)).join(separator)
  const naming: [string, string, (n: number) => string][] = [
    [
      'JSON members',
      'application/json',
      (n) => `{${TOKENS},${many(n - 2, (i) => `"k${i}":0`, ',')}}`,
    ],
    [
      'XML elements',
      'application/xml',
      (n) => `<x>${USER_XML.slice(3, -4)}${many(n - 3, () => '<k/>')}</x>`,
    ],
    [
      'XML attributes',
      'application/xml',
      (n) => `<x>${USER_XML.slice(3, -4)}<k ${many(n - 4, (i) => `a${i}="1"`, ' ')}/></x>`,
    ],
    [
      'CSV columns',
      'text/csv',
      (n) =>
        `accessToken,refreshToken${many(n - 2, (i) => `,c${i}`)}\r\na,r${','.repeat(n - 2)}\r\n`,
    ],
    [
      'form fields',
      'application/x-www-form-urlencoded',
      (n) => `accessToken=a&refreshToken=r${many(n - 2, (i) => `&k${i}=1`)}`,
    ],
  ]

  it.each(naming)('reads a body naming exactly 10,000 %s', async (_, type, body) => {
    const t = await makeTarget()
    const res = await postAs(t, type, body(10_000))
    expect(res.status, await res.clone().text()).toBe(201)
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(1)
  })

  it.each(naming)('refuses a body naming 10,001 %s before parsing it', async (what, type, body) => {
    const t = await makeTarget()
    const res = await postAs(t, type, body(10_001))
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem.code).toBe(1001)
    const named = {
      JSON: 'members',
      XML: 'elements and attributes',
      CSV: 'columns',
      form: 'fields',
    }
    const noun = named[what.split(' ')[0] as keyof typeof named]
    expect(problem.detail).toContain(`the body names more than 10,000 ${noun}`)
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it('answers invalid UTF-8 with a 400 naming the byte where it begins', async () => {
    const t = await makeTarget()
    const body = new Uint8Array([...new TextEncoder().encode('{"accessToken":"é'), 0xc3, 0x28])
    const res = await t.request(USERS, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': API_KEY },
      body,
    })
    expect(res.status).toBe(400)
    const message = 'byte 18 (counting from 0) begins a sequence that is not UTF-8'
    expect(await res.json<any>()).toMatchObject({
      code: 1001,
      detail: `The body is not valid UTF-8: ${message}.`,
      details: { errors: [{ pointer: '', message }] },
    })
  })

  it.each([
    [
      'members sent as attributes',
      '<CreateAmazonUser accessToken="a" refreshToken="r"/>',
      {
        pointer: '/accessToken',
        message:
          'attribute "accessToken" is not read: send accessToken as an element (<accessToken>…</accessToken>)',
      },
    ],
    [
      'a comment holding "--"',
      USER_XML.replace('<x>', '<x><!-- a -- b -->'),
      { message: expect.stringContaining('comment must not contain "--"') },
    ],
    [
      'a comment ending in "--->"',
      USER_XML.replace('<x>', '<x><!-- a --->'),
      { message: expect.stringContaining('comment') },
    ],
    [
      'a processing instruction target with a colon',
      USER_XML.replace('<x>', '<x><?x-y:z?>'),
      { message: expect.stringContaining('must not contain ":"') },
    ],
  ])('answers XML with %s with a 400 malformed-body saying why', async (_, body, error) => {
    const t = await makeTarget()
    const res = await postAs(t, 'application/xml', body)
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem).toMatchObject({ code: 1001, details: { errors: [error] } })
    expect(problem.details.errors).toHaveLength(1)
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it('answers CSV declared header=absent with a 415 saying what it reads', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv; header=absent', 'X-API-Key': API_KEY },
      body: 'accessToken,refreshToken\r\na,r\r\n',
    })
    expect(res.status).toBe(415)
    expect(await res.json<any>()).toMatchObject({
      code: 1060,
      detail:
        'A text/csv body is read with header=present: send that or no header parameter, not header="absent".',
    })
  })

  const plain = async () => `{${TOKENS}}`
  it.each([
    ['gzip', 'gzip', () => gzip(`{${TOKENS}}`), 'gzip'],
    ['gzip, claimed on a plain body', 'gzip', plain, 'gzip'],
    ['identity, br', 'identity, br', plain, 'br'],
  ])(
    'answers a body in Content-Encoding %s with 415 and Accept-Encoding: identity, storing nothing',
    async (_, coding, body, named) => {
      const t = await makeTarget()
      const res = await t.request(USERS, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Encoding': coding,
          'X-API-Key': API_KEY,
        },
        body: await body(),
      })
      expect(res.status).toBe(415)
      expect(res.headers.get('Accept-Encoding')).toBe('identity')
      const problem = await res.json<any>()
      expect(problem).toMatchObject({ code: 1060, status: 415 })
      expect(problem.detail).toBe(
        `Content-Encoding "${named}" cannot be read; send the body unencoded.`,
      )
      expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
    },
  )

  it.each([
    [
      'no charset',
      'application/xml',
      'Only UTF-8 bodies are accepted, not encoding "ISO-8859-1" (named by the XML declaration).',
    ],
    [
      'charset=utf-8',
      'application/xml; charset=utf-8',
      'The Content-Type says charset "utf-8" but the body says encoding "ISO-8859-1" (named by the XML declaration); send UTF-8.',
    ],
  ])(
    'answers an XML body declared ISO-8859-1 with %s with a 415 saying why',
    async (_, type, detail) => {
      const t = await makeTarget()
      const res = await t.request(USERS, {
        method: 'POST',
        headers: { 'Content-Type': type, 'X-API-Key': API_KEY },
        body: `${LATIN1}<x><accessToken>Jos\u00e9</accessToken><refreshToken>r</refreshToken></x>`,
      })
      expect(res.status).toBe(415)
      expect((await res.json<any>()).detail).toBe(detail)
    },
  )

  it.each([
    ['UTF-8', `<?xml version="1.0" encoding="UTF-8"?>${USER_XML}`],
    ['utf-8 in lower case', `<?xml version='1.0' encoding='utf-8'?>${USER_XML}`],
    ['UTF8', `<?xml version="1.0" encoding="UTF8"?>${USER_XML}`],
    ['no encoding, after a UTF-8 byte order mark', `\uFEFF<?xml version="1.0"?>${USER_XML}`],
  ])('reads an XML body declared %s', async (_, body) => {
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml; charset=utf-8', 'X-API-Key': API_KEY },
      body,
    })
    expect(res.status).toBe(201)
  })

  it.each([
    ['with a Content-Length', { 'Content-Length': '100' }],
    ['chunked', {}],
  ])(
    'answers a body that breaks off (%s) with a 400, logs no error and stores nothing',
    async (_, length) => {
      const t = await makeTarget()
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"accessToken":"a","ref'))
          controller.error(new Error('aborted'))
        },
      })
      const res = await t.request(USERS, {
        method: 'POST',
        headers: { 'X-API-Key': API_KEY, 'Content-Type': 'application/json', ...length },
        body,
        duplex: 'half',
      } as RequestInit)
      expect(res.status).toBe(400)
      expect(await res.json<any>()).toMatchObject({
        code: 1001,
        detail: expect.stringContaining('broke off'),
      })
      expect(t.logger.lines.filter((line) => line.includes('"level":"error"'))).toEqual([])
      expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
    },
  )

  it('reads a body whose Content-Encoding is identity', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Encoding': 'Identity',
        'X-API-Key': API_KEY,
      },
      body: `{${TOKENS}}`,
    })
    expect(res.status).toBe(201)
  })

  it('explains what a CSV body must look like when JSON arrives as text/csv', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', 'X-API-Key': API_KEY },
      body: `{${TOKENS}}`,
    })
    expect((await res.json<any>()).detail).toMatch(/header row/)
  })
})
