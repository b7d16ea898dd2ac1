import fc from 'fast-check'
import { expect } from 'vitest'
import { API_KEY, TEST_ENV } from './deterministic.ts'
import { AUTHENTICATE, ORG_TOKEN, SEED_CONTACT } from './opencx.ts'
import { parseCsvStrict, parseXmlStrict } from './parsers.ts'
import { SEED_BODY, SEED_USERS, USERS } from './requests.ts'

// Every operation as a valid request, then changed in up to three ways (path, format marker,
// query, method, a header, the body): requests of every kind the gateway may meet, most of
// them a little wrong.

interface RequestSpec {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body?: string
}

const USER = '{user}'
const CONTACT = '{contact}'
const CONTACT_TOKEN = '{contact token}'

const json = { 'Content-Type': 'application/json' }
const apiKey = { 'X-API-Key': API_KEY }
const org = { Authorization: `Bearer ${ORG_TOKEN}` }
const VALID: RequestSpec[] = [
  { method: 'GET', path: '/', query: {}, headers: {} },
  { method: 'GET', path: '/healthz', query: {}, headers: {} },
  { method: 'POST', path: USERS, query: {}, headers: { ...json, ...apiKey }, body: SEED_BODY },
  { method: 'GET', path: SEED_USERS, query: { limit: '2' }, headers: apiKey },
  { method: 'GET', path: `${USERS}/${USER}`, query: {}, headers: apiKey },
  { method: 'DELETE', path: `${SEED_USERS}/${USER}`, query: {}, headers: apiKey },
  {
    method: 'POST',
    path: '/CognitoSendConfirmCodeRequest',
    query: {},
    headers: json,
    body: JSON.stringify({ EmailAddress: 'ann@example.com' }),
  },
  {
    method: 'GET',
    path: '/csv/reply/CognitoSendConfirmCodeRequest',
    query: { EmailAddress: 'ann@example.com', ConfirmationCode: '123456' },
    headers: {},
  },
  {
    method: 'POST',
    path: AUTHENTICATE,
    query: {},
    headers: { ...json, ...org },
    body: JSON.stringify(SEED_CONTACT),
  },
  {
    method: 'GET',
    path: '/widget/contact',
    query: {},
    headers: { Authorization: `Bearer ${CONTACT_TOKEN}` },
  },
  { method: 'GET', path: '/contacts', query: { limit: '1' }, headers: org },
  { method: 'GET', path: '/contacts/export', query: {}, headers: org },
  { method: 'GET', path: `/contacts/${CONTACT}`, query: {}, headers: org },
  { method: 'GET', path: '/problems', query: {}, headers: {} },
  { method: 'GET', path: '/problems/validation-failed', query: {}, headers: {} },
  { method: 'GET', path: '/openapi.json', query: {}, headers: {} },
  { method: 'GET', path: '/metadata', query: {}, headers: {} },
  {
    method: 'GET',
    path: '/xml/metadata',
    query: { op: 'CognitoSendConfirmCodeRequest' },
    headers: {},
  },
  { method: 'GET', path: '/docs', query: {}, headers: {} },
]

const FORMAT_KEYS = ['json', 'hal', 'xml', 'csv', 'html', 'pdf', 'XML', '']
const odd = fc.oneof(
  fc.constantFrom('..', '.', '%2F', '%', '%zz', '%C3%A9', '%00', 'export', '0'.repeat(24), ''),
  fc.string({ maxLength: 12 }),
)

type Change = (r: RequestSpec) => RequestSpec
const change: fc.Arbitrary<Change> = fc.oneof(
  // The path: a format suffix, another last segment, a format route, or a path of its own.
  fc
    .constantFrom('.json', '.hal', '.xml', '.csv', '.html', '.pdf', '.')
    .map((suffix): Change => (r) => ({ ...r, path: r.path + suffix })),
  odd.map((s): Change => (r) => ({
    ...r,
    path: r.path.replace(/\/[^/]*$/, `/${encodeURIComponent(s)}`),
  })),
  fc
    .constantFrom(...FORMAT_KEYS)
    .map((key): Change => (r) => ({ ...r, path: `/${key}/reply${r.path}` })),
  odd.map((s): Change => (r) => ({ ...r, path: `/${s}` })),
  // A query parameter the gateway reads, or one it does not.
  fc
    .tuple(
      fc.constantFrom(
        'format',
        'Format',
        'skip',
        'limit',
        'after',
        'before',
        'all',
        'EmailAddress',
        'x',
      ),
      fc.oneof(
        fc.constantFrom(...FORMAT_KEYS, '0', '-1', '101', '1e3', '9007199254740993', 'true'),
        odd,
        fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=+$/, '')),
      ),
    )
    .map(([name, value]): Change => (r) => ({ ...r, query: { ...r.query, [name]: value } })),
  fc
    .constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')
    .map((method): Change => (r) => ({ ...r, method })),
  // A header set, changed or dropped.
  fc
    .tuple(
      fc.constantFrom('Accept', 'Content-Type', 'X-API-Key', 'Authorization', 'Origin'),
      fc.option(
        fc.oneof(
          fc.constantFrom(
            'application/json',
            'application/hal+json',
            'application/xml',
            'text/xml',
            'text/csv',
            'text/html',
            'application/x-www-form-urlencoded',
            'image/png',
            '*/*;q=0',
            'text/csv;q=0.5, application/xml',
            '*; q=.2',
            'Bearer not-a-token',
            `Bearer ${CONTACT_TOKEN}`,
            `Bearer ${ORG_TOKEN}`,
            API_KEY,
            'https://example.com',
          ),
          fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        ),
      ),
    )
    .map(([name, value]): Change => (r) => {
      const headers = { ...r.headers }
      if (value === null) delete headers[name]
      else headers[name] = value
      return { ...r, headers }
    }),
  // Another body.
  fc
    .oneof(
      fc.constantFrom(
        SEED_BODY,
        '<AuthenticateUser><email>ann@example.com</email></AuthenticateUser>',
        '<AmazonUserCreate><accessToken>a</accessToken></AmazonUserCreate>',
        '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        'accessToken,refreshToken\r\na,b\r\n',
        'EmailAddress=ann%40example.com&ConfirmationCode=000000',
        '{"__proto__":{"x":1},"email":"ann@example.com"}',
        '{"email":"ann@example.com","language":"xx"}',
        '[1,2,3]',
        '',
      ),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 40 }),
    )
    .map((body): Change => (r) => ({ ...r, body })),
)

const request = fc
  .tuple(fc.constantFrom(...VALID), fc.array(change, { maxLength: 3 }))
  .map(([valid, changes]) => changes.reduce((r, f) => f(r), valid))

/** Parses a body with the independent parser its Content-Type names (other types pass). */
const parseAsTyped = (type: string, text: string): unknown => {
  if (/json/.test(type)) return JSON.parse(text)
  if (/xml/.test(type)) return parseXmlStrict(text)
  if (/csv/.test(type)) return parseCsvStrict(text)
  return text
}

const SECRETS = Object.values(TEST_ENV).flatMap((v) => v.split(','))
const TABLES = [
  'alexa_users',
  'cognito_users',
  'cognito_codes',
  'cognito_code_sends',
  'contacts',
  'contact_keys',
  'row_counts',
  'row_seqs',
]
// A wrong confirmation code is refused and counted: its attempt is the one change a refusal
// makes, so a request that carries a code is compared without the count.
const WITHOUT_ATTEMPTS = 'user_id, code_hash, expires_at, sends, window_start'

/** A running gateway as the property sees it: requests, and its tables as they are. */
export interface Gateway {
  request(path: string, init: RequestInit): Promise<Response>
  query(sql: string): Promise<unknown[]>
  /** Headers each request adds (a client address of its own, say). */
  headers?: () => Record<string, string>
}

/**
 * `Gateway.headers` giving each request a client address of its own in `header` (the one the
 * runtime trusts), so failed credentials never add up to a 429.
 */
export const addressPerRequest = (header: string): (() => Record<string, string>) => {
  let n = 0
  return () => {
    n++
    return { [header]: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` }
  }
}

/**
 * Sends `numRuns` requests, valid or a little wrong, and checks each answer: below 500, with a
 * trace id, parsed by the independent parser its Content-Type names, no stored change when it
 * refuses, no secret the request did not carry. The gateway's failure budget must not turn
 * later requests into 429s (no budget, or a client address per request).
 */
export const assertAnyRequest = async (g: Gateway, numRuns: number): Promise<void> => {
  const created = await (
    await g.request(AUTHENTICATE, {
      method: 'POST',
      headers: { ...json, ...org },
      body: JSON.stringify(SEED_CONTACT),
    })
  ).json<{ token: string; contact: { id: string } }>()
  const user = await (
    await g.request(USERS, { method: 'POST', headers: { ...json, ...apiKey }, body: SEED_BODY })
  ).json<{ _id: string }>()
  const fill = (text: string) =>
    text
      .replaceAll(USER, user._id)
      .replaceAll(CONTACT, created.contact.id)
      .replaceAll(CONTACT_TOKEN, created.token)
  const stored = async (withAttempts: boolean) =>
    JSON.stringify(
      await Promise.all(
        TABLES.map((table) =>
          g.query(
            `SELECT ${table === 'cognito_codes' && !withAttempts ? WITHOUT_ATTEMPTS : '*'} FROM ${table}`,
          ),
        ),
      ),
    )
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const url =
        fill(r.path) + (Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : '')
      const headers = {
        ...g.headers?.(),
        ...Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, fill(v)])),
      }
      const withBody = r.method !== 'GET' && r.method !== 'HEAD' && r.body !== undefined
      const counted = /ConfirmationCode/.test(JSON.stringify(r))
      const before = await stored(!counted)
      const res = await g.request(url, {
        method: r.method,
        headers,
        ...(withBody ? { body: r.body } : {}),
      })
      const text = await res.text()
      expect(
        res.status,
        `${r.method} ${url} ${JSON.stringify(headers)}: ${text.slice(0, 300)}`,
      ).toBeLessThan(500)
      expect(res.headers.get('X-Trace-Id')).toBeTruthy()
      if (r.method !== 'HEAD' && res.status !== 204)
        parseAsTyped(res.headers.get('Content-Type') ?? '', text)
      if (res.status >= 400)
        expect(
          await stored(!counted),
          `${res.status} ${r.method} ${url} ${text.slice(0, 300)}`,
        ).toBe(before)
      // A value the request itself carried may be quoted back (a Content-Type that cannot be
      // read); any other secret must never appear.
      const sent = url + JSON.stringify(headers) + (withBody ? r.body : '')
      for (const secret of SECRETS) if (!sent.includes(secret)) expect(text).not.toContain(secret)
    }),
    { numRuns },
  )
}
