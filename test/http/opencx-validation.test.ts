import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { AUTHENTICATE, authenticate, SEED_CONTACT } from '../support/opencx.ts'

// The seed page's `language` list, as it reads: 57 codes, `tr` among them twice.
const SEED_LANGUAGES = (
  'en, fr, de, nl, pl, pt, es, it, ru, ja, ko, zh, ar, tr, sv, da, no, fi, el, cs, hu, th, vi, ' +
  'id, he, hi, uk, ro, bg, hr, sk, sl, sr, et, lv, lt, is, ga, ms, tl, fa, bn, ta, te, ur, sw, ' +
  'zu, af, sq, hy, az, eu, be, bs, ca, cy, tr'
).split(', ')

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))
const overrides = (maps: Record<string, unknown>) => ({
  ...SEED_CONTACT,
  http_action_overrides: maps,
})

describe('authenticate-user refuses bad input and stores nothing', () => {
  it('answers 400 code 1000 pointing at /language for an unknown language', async () => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate({ ...SEED_CONTACT, language: 'xx' }))
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
    const problem = await res.json<any>()
    expect(problem).toMatchObject({ status: 400, code: 1000, instance: AUTHENTICATE })
    expect(problem.details.errors).toEqual([{ pointer: '/language', message: expect.any(String) }])
    expect(problem.details.errors[0].message).toContain('en, fr, de')
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it("accepts every one of the seed's 56 language codes (its duplicate `tr` once)", async () => {
    const codes = [...new Set(SEED_LANGUAGES)]
    expect(codes).toHaveLength(56)
    const t = await makeTarget()
    const refused: string[] = []
    for (const language of codes) {
      const body = { ...SEED_CONTACT, email: `${language}@example.com`, language }
      const res = await t.request(AUTHENTICATE, authenticate(body))
      if (res.status !== 200) refused.push(`${language}: ${res.status}`)
      await res.body?.cancel()
    }
    expect(refused).toEqual([])
    const stored = await t.query<{ language: string }>('SELECT language FROM contacts')
    expect(stored.map((row) => row.language).sort()).toEqual(codes.sort())
  })

  it('reports a missing identity at /email together with the other problems', async () => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate({ name: 'Nobody', language: 'xx' }))
    expect(res.status).toBe(400)
    const pointers = (await res.json<any>()).details.errors.map((e: any) => e.pointer)
    expect(pointers.sort()).toEqual(['/email', '/language'])
  })

  it.each([
    ['an invalid email', { email: 'not-an-email' }, '/email'],
    ['a phone without country code', { email: undefined, phone: '0123 456 789' }, '/phone'],
    ['a javascript: avatar', { avatar_url: 'javascript:alert(1)' }, '/avatar_url'],
    ['a name of 257 characters', { name: 'x'.repeat(257) }, '/name'],
    ['customData that is an array', { customData: ['a'] }, '/customData'],
    ['customData with 65 keys', { customData: many(65) }, '/customData'],
    ['customData over 16 KiB', { customData: { big: 'x'.repeat(16 * 1024) } }, '/customData'],
    ['a chat_context over 8192 characters', { chat_context: 'x'.repeat(8193) }, '/chat_context'],
    [
      'a header override that would split a header',
      overrides({ headers: { 'X-A': 'a\r\nSet-Cookie: x=1' } }),
      '/http_action_overrides/headers/X-A',
    ],
    [
      'a header override with a character no header carries',
      overrides({ headers: { 'X-Note': 'price in €' } }),
      '/http_action_overrides/headers/X-Note',
    ],
    [
      'a header override with a control character',
      overrides({ headers: { 'X-A': 'a\u0001b' } }),
      '/http_action_overrides/headers/X-A',
    ],
    [
      // Each value is within its own bound; together, as JSON, they pass 16 KiB.
      'overrides over 16 KiB as a whole',
      overrides({
        query_params: Object.fromEntries(
          ['a', 'b', 'c', 'd', 'e'].map((k) => [k, 'x'.repeat(4000)]),
        ),
      }),
      '/http_action_overrides',
    ],
    [
      'one header overridden under two spellings of its name',
      overrides({ headers: { 'X-A': '1', 'x-a': '2' } }),
      '/http_action_overrides/headers/x-a',
    ],
    [
      'a header override whose name is not a header name',
      overrides({ headers: { 'X A': 'a' } }),
      '/http_action_overrides/headers/X A',
    ],
    ['a customData key with a NUL', { customData: { 'a\u0000b': 1 } }, '/customData/a\u0000b'],
    [
      'a query parameter key with a NUL',
      overrides({ query_params: { 'q\u0000': 'x' } }),
      '/http_action_overrides/query_params/q\u0000',
    ],
    [
      'a query parameter value with a NUL',
      overrides({ query_params: { q: 'a\u0000b' } }),
      '/http_action_overrides/query_params/q',
    ],
    [
      'a path parameter value with a NUL',
      overrides({ path_params: { id: '\u0000' } }),
      '/http_action_overrides/path_params/id',
    ],
    [
      'a body parameter key with a NUL',
      overrides({ body_params: { '\u0000': 1 } }),
      '/http_action_overrides/body_params/\u0000',
    ],
    [
      'a header override with a NUL',
      overrides({ headers: { 'X-A': 'a\u0000' } }),
      '/http_action_overrides/headers/X-A',
    ],
    [
      'a query parameter that is not text',
      overrides({ query_params: { page: 2 } }),
      '/http_action_overrides/query_params/page',
    ],
  ])('answers 400 to %s', async (_, change, pointer) => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate({ ...SEED_CONTACT, ...change }))
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem.code).toBe(1000)
    expect(problem.details.errors.map((e: any) => e.pointer)).toContain(pointer)
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it.each([
    ['the body', '[]', ''],
    ['the body', '[{"email":"a@example.com"}]', ''],
    ['the body', '"a@example.com"', ''],
    ['customData', '{"email":"a@example.com","customData":"s"}', '/customData'],
    ['customData', '{"email":"a@example.com","customData":["a"]}', '/customData'],
    ['customData', '{"email":"a@example.com","customData":null}', '/customData'],
    [
      'http_action_overrides',
      '{"email":"a@example.com","http_action_overrides":[]}',
      '/http_action_overrides',
    ],
    [
      'a query_params map',
      '{"email":"a@example.com","http_action_overrides":{"query_params":1}}',
      '/http_action_overrides/query_params',
    ],
  ])('answers 400 code 1000 when %s is not an object (%s)', async (_, body, pointer) => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate(body))
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem.code).toBe(1000)
    expect(problem.details.errors).toEqual([
      { pointer, message: expect.stringMatching(/^must be an object, not (an array|a \w+|null)$/) },
    ])
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it.each([
    ['malformed JSON', 'application/json', '{"email":'],
    [
      'a __proto__ key in customData',
      'application/json',
      '{"email":"a@b.co","customData":{"__proto__":{"x":1}}}',
    ],
    [
      'an XML DOCTYPE',
      'application/xml',
      '<!DOCTYPE x [<!ENTITY e "e">]><x><email>&e;</email></x>',
    ],
    ['an empty body', 'application/json', ''],
  ])('answers 400 to %s', async (_, contentType, body) => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate(body, { contentType }))
    expect(res.status).toBe(400)
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it.each([
    [
      'a customData key',
      'application/json',
      '{"email":"a@example.com","customData":{"k\\udc00":"v"}}',
      '/customData/k\udc00',
    ],
    [
      'a nested customData value',
      'application/json',
      '{"email":"a@example.com","customData":{"k":{"n":["\\ud800"]}}}',
      '/customData/k/n/0',
    ],
    ['the name', 'application/json', '{"email":"a@example.com","name":"A\\udfff"}', '/name'],
    [
      'a query parameter key',
      'application/json',
      '{"email":"a@example.com","http_action_overrides":{"query_params":{"\\udbff":"x"}}}',
      '/http_action_overrides/query_params/\udbff',
    ],
    [
      'the JSON text of a CSV cell',
      'text/csv',
      'email,customData.k\r\na@example.com,"{""\\udc00"":1}"\r\n',
      '/customData/k/\udc00',
    ],
  ])(
    'answers 400 code 1001 to a lone surrogate escaped in %s, naming its pointer',
    async (_, contentType, body, pointer) => {
      const t = await makeTarget()
      const res = await t.request(AUTHENTICATE, authenticate(body, { contentType }))
      expect(res.status).toBe(400)
      const problem = await res.json<any>()
      expect(problem.code).toBe(1001)
      expect(problem.detail).toMatch(/lone surrogate \\uD[89A-F][0-9A-F]{2}, which is not text/)
      expect(problem.details.errors).toEqual([{ pointer, message: expect.any(String) }])
      expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
      expect(await t.query('SELECT key FROM contact_keys')).toHaveLength(0)
    },
  )
})

describe('a one-column CSV body', () => {
  it('reads a row whose one cell is "" as a row (RFC 4180), which validation then refuses', async () => {
    const t = await makeTarget()
    const body = 'email\r\n""\r\n'
    const res = await t.request(AUTHENTICATE, authenticate(body, { contentType: 'text/csv' }))
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem.code).toBe(1000)
    expect(problem.details.errors).toEqual([{ pointer: '/email', message: expect.any(String) }])
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })
})
