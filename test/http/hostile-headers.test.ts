import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { API_KEY } from '../support/deterministic.ts'
import { SEED_BODY, USERS } from '../support/requests.ts'

/** Bytes as a server sees them in a header: one char per byte (ISO-8859-1), as fetch sends. */
const bytes = (...values: number[]) => String.fromCharCode(...values)
/** Text as its UTF-8 bytes read one per char: what a server gets for non-ASCII header text. */
const utf8 = (text: string) => bytes(...new TextEncoder().encode(text))

// obs-text bytes from each range (C1 controls, NBSP, soft hyphen, UTF-8 lead bytes, 0xFF).
const GARBAGE = bytes(0x80, 0x85, 0x9b, 0xa0, 0xad, 0xc0, 0xc3, 0xe9, 0xfe, 0xff)
const HUGE = 'a'.repeat(4097)
const OTHER_KEY = 'second-key-0123456789abcdef'

// A status, or the statuses a case may get where the behaviour is not settled yet.
type Case = [name: string, value: string, status: number | number[], contentType?: RegExp]

const JSON_TYPE = /^application\/json/
const PROBLEM = /^application\/problem\+json/

const acceptCases: Case[] = [
  ['garbage bytes', GARBAGE, 200, JSON_TYPE],
  ['a garbage parameter value', `text/csv;p=${bytes(0xff, 0xfe)}`, 200, JSON_TYPE],
  ['a quoted garbage parameter value', `text/csv;p="${bytes(0xff, 0xfe)}"`, 200, /^text\/csv/],
  ['UTF-8 in the subtype', utf8('text/csvé'), 200, JSON_TYPE],
  ['UTF-8 in a quoted parameter', utf8('text/csv;name="Zoë"'), 200, /^text\/csv/],
  ['a TAB before a parameter', 'text/csv;\tq=0.5', 200, /^text\/csv/],
  ['a duplicated q', 'text/csv;q=0.5;q=0.9, application/xml;q=0.1', 200, /^application\/xml/],
  ['a duplicated charset', 'text/csv; charset=utf-8; charset=latin1', 200, /^text\/csv/],
  ['an unterminated quote', 'text/csv;p="abc, application/xml', 200, JSON_TYPE],
  ['only separators', ' ,, ,\t, ', 200, JSON_TYPE],
  ['a q over 1', 'text/csv;q=2', 200, JSON_TYPE],
  ['a negative q', 'text/csv;q=-1, image/png', 406, PROBLEM],
  [
    '100 unacceptable ranges before an acceptable one',
    `${'image/png, '.repeat(100)}text/csv`,
    406,
    PROBLEM,
  ],
  ['a value just under the limit', `text/csv, ${'x/y;q=0.1,'.repeat(400)}`, 200, /^text\/csv/],
  ['a value over 4 KiB', `text/csv, ${HUGE}`, 431, PROBLEM],
]

const contentTypeCases: Case[] = [
  ['garbage bytes', GARBAGE, 415],
  ['UTF-8 in the type', utf8('application/jsön'), 415],
  ['upper case', 'APPLICATION/JSON', 201],
  ['a quoted charset', 'application/json; charset="utf-8"', 201],
  // RFC 6838 §4.3 makes a repeated parameter an error; today the first charset decides. Either
  // answer is safe: the body is decoded as strict UTF-8 whatever the header says.
  [
    'a duplicated charset, UTF-8 first',
    'application/json; charset=utf-8; charset=latin1',
    [201, 415],
  ],
  ['a duplicated charset, Latin-1 first', 'application/json; charset=latin1; charset=utf-8', 415],
  ['a garbage charset', `application/json; charset=${bytes(0xe9)}`, 415],
  ['an empty value', '', 415],
  ['only a semicolon', ';', 415],
  ['a TAB inside', 'application/\tjson', 415],
  ['multipart', 'multipart/form-data; boundary=x', 415],
  ['XML for a JSON body', 'application/xml', 400],
  ['a value over 4 KiB', `application/json; p=${HUGE}`, 431],
]

const apiKeyCases: Case[] = [
  ['garbage bytes', GARBAGE, 401],
  ['UTF-8 text', utf8('clé-0123456789abcdef'), 401],
  ['two valid keys in one header (a duplicated header)', `${API_KEY}, ${OTHER_KEY}`, 401],
  ['the key with a TAB inside', API_KEY.replace('-', '\t'), 401],
  ['the key with surrounding whitespace (trimmed by HTTP)', ` \t${API_KEY}\t `, 200],
  ['the key in upper case', API_KEY.toUpperCase(), 401],
  ['the key with a suffix', `${API_KEY}x`, 401],
  ['an empty value', '', 401],
  ['exactly 4 KiB', 'k'.repeat(4096), 401],
  ['a value over 4 KiB', HUGE, 431],
]

const authorizationCases: Case[] = [
  ['garbage bytes', GARBAGE, 200],
  ['a bare scheme', 'Bearer', 200],
  ['Basic credentials', `Basic ${btoa('user:pass')}`, 200],
  ['UTF-8 in the token', utf8('Bearer jéton'), 200],
  ['two tokens', 'Bearer a, Bearer b', 200],
  ['a value over 4 KiB', `Bearer ${HUGE}`, 431],
]

const expectHealthy = async (t: Awaited<ReturnType<typeof makeTarget>>) => {
  expect((await t.request('/healthz')).status).toBe(200)
  expect(
    (await t.request(USERS, { headers: { 'X-API-Key': API_KEY, Accept: 'text/csv' } })).status,
  ).toBe(200)
}

const check = async (res: Response, status: number | number[], contentType?: RegExp) => {
  expect([status].flat()).toContain(res.status)
  if (contentType) expect(res.headers.get('Content-Type')).toMatch(contentType)
  if (res.status >= 400) {
    expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
    expect((await res.json<any>()).status).toBe(res.status)
  }
}

describe('hostile header values', () => {
  it.each(acceptCases)('Accept with %s → %s', async (_, value, status, contentType) => {
    const t = await makeTarget()
    const res = await t.request(USERS, { headers: { 'X-API-Key': API_KEY, Accept: value } })
    await check(res, status, contentType)
    await expectHealthy(t)
  })

  it.each(contentTypeCases)('Content-Type with %s → %s', async (_, value, status) => {
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: { 'X-API-Key': API_KEY, 'Content-Type': value },
      body: SEED_BODY,
    })
    await check(res, status)
    const stored = await t.query('SELECT id FROM alexa_users')
    expect(stored).toHaveLength(res.status === 201 ? 1 : 0)
    await expectHealthy(t)
  })

  it.each(apiKeyCases)('X-API-Key with %s → %s', async (_, value, status) => {
    const t = await makeTarget()
    const res = await t.request(USERS, { headers: { 'X-API-Key': value } })
    await check(res, status)
    await expectHealthy(t)
  })

  it.each(authorizationCases)(
    'Authorization with %s → %s on an X-API-Key route (ignored unless too large)',
    async (_, value, status) => {
      const t = await makeTarget()
      const res = await t.request(USERS, {
        headers: { 'X-API-Key': API_KEY, Authorization: value },
      })
      await check(res, status)
      await expectHealthy(t)
    },
  )

  it.each(authorizationCases)(
    'Authorization with %s → a 4xx problem on the bearer routes',
    async (_, value) => {
      const t = await makeTarget()
      for (const path of ['/contacts', '/widget/contact']) {
        const res = await t.request(path, { headers: { Authorization: value } })
        expect(res.status).toBeGreaterThanOrEqual(400)
        expect(res.status).toBeLessThan(500)
        expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
      }
      await expectHealthy(t)
    },
  )
})
