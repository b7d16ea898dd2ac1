import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { OP, opRequest, otherCode, readDto } from '../support/cognito.ts'
import { AUTHENTICATE, authenticate } from '../support/opencx.ts'
import { createUserRequest, MEDIA_TYPES, USERS } from '../support/requests.ts'
import type { Target } from '../support/target.ts'

const EMAIL = 'ada@example.com'
/** The origin of `app.request`'s URLs: the gateway's own, in these tests. */
const OWN = 'http://localhost'
/** A page elsewhere that makes its visitors' browsers call the operation. */
const EVIL = 'https://evil.example'
/** The origin of an SPA that CORS_ORIGINS lists. */
const APP = 'https://app.example'
const FORM = 'application/x-www-form-urlencoded'
const ERROR_TEXT = /^This request came from a page of .* and was refused: nothing was done\./

/** Everything stored about users, codes and sends, to show a refusal changed nothing. */
const stored = async (t: Target) => ({
  users: await t.query('SELECT * FROM cognito_users ORDER BY id'),
  codes: await t.query('SELECT * FROM cognito_codes ORDER BY user_id'),
  sends: await t.query('SELECT * FROM cognito_code_sends ORDER BY user_id, client_key'),
})

/** What an auto-submitted `<form method=post>` on `origin`'s page sends. */
const formPost = (
  headers: Record<string, string>,
  body = `EmailAddress=${encodeURIComponent(EMAIL)}`,
  contentType = FORM,
): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': contentType, ...headers },
  body,
})

const crossSite = (origin = EVIL) => ({ 'Sec-Fetch-Site': 'cross-site', Origin: origin })

/** A 403 in the DTO (OpCode 1011) that sent nothing and stored nothing. */
const expectRefused = async (t: Target, res: Response, before: unknown) => {
  expect(res.status).toBe(403)
  const dto = await readDto(res)
  expect(dto).toMatchObject({ OpCode: '1011', Total: '0', CachedResponse: 'false' })
  expect(dto.ErrorText).toMatch(ERROR_TEXT)
  expect(dto).not.toHaveProperty('Data.UserID')
  expect(res.headers.get('Cache-Control')).toBe('no-store')
  expect(await stored(t)).toEqual(before)
  return dto
}

describe('CognitoSendConfirmCodeRequest: a browser request from another site', () => {
  it('refuses a cross-site form POST in the DTO, in the negotiated format, storing and sending nothing', async () => {
    const t = await makeTarget()
    const before = await stored(t)
    expect(before.users).toEqual([])
    for (const accept of MEDIA_TYPES) {
      const res = await t.request(OP, formPost({ ...crossSite(), Accept: accept }))
      expect(res.headers.get('Content-Type')).toContain(accept)
      await expectRefused(t, res, before)
    }
    // A browser's own Accept header gets the DTO as a page; the URL's format markers hold too.
    const page = await t.request(OP, formPost({ ...crossSite(), Accept: 'text/html' }))
    expect(page.status).toBe(403)
    expect(page.headers.get('Content-Type')).toContain('text/html')
    expect(await page.text()).toContain('1011')
    for (const path of [`${OP}.csv`, `${OP}?format=xml`, `/xml/reply${OP}`, `/csv/reply${OP}`]) {
      const res = await t.request(path, formPost(crossSite()))
      expect(res.headers.get('Content-Type'), path).toMatch(/xml|csv/)
      await expectRefused(t, res, before)
    }
    expect(t.codeSender.sent).toEqual([])
  })

  it('refuses the other requests a page can send without a preflight: the query string, multipart, text/plain', async () => {
    const t = await makeTarget()
    const before = await stored(t)
    // The address in the query string, with no body at all.
    await expectRefused(
      t,
      await t.request(`${OP}?EmailAddress=${encodeURIComponent(EMAIL)}`, {
        method: 'POST',
        headers: crossSite(),
      }),
      before,
    )
    const multipart = new FormData()
    multipart.set('EmailAddress', EMAIL)
    await expectRefused(
      t,
      await t.request(OP, { method: 'POST', headers: crossSite(), body: multipart }),
      before,
    )
    // `enctype=text/plain` writes `EmailAddress=ada@example.com`; a `fetch` can send any text.
    await expectRefused(
      t,
      await t.request(OP, formPost(crossSite(), `EmailAddress=${EMAIL}`, 'text/plain')),
      before,
    )
    expect(t.codeSender.sent).toEqual([])
  })

  it('refuses a cross-site confirm without counting the attempt', async () => {
    const t = await makeTarget()
    expect((await t.request(OP, opRequest({ EmailAddress: EMAIL }))).status).toBe(200)
    const code = t.codeSender.last(EMAIL)!
    const before = await stored(t)
    for (const guess of [otherCode(code), code]) {
      const body = new URLSearchParams({ EmailAddress: EMAIL, ConfirmationCode: guess })
      await expectRefused(t, await t.request(OP, formPost(crossSite(), body.toString())), before)
    }
    // The user's own confirm, with every attempt left, still works.
    const confirmed = await t.request(
      OP,
      opRequest({ EmailAddress: EMAIL, ConfirmationCode: code }),
    )
    expect(confirmed.status).toBe(200)
    expect(await readDto(confirmed)).toMatchObject({ OpCode: '0', 'Data.Status': 'CONFIRMED' })
  })

  it('refuses the GET form a cross-site <img> or link sends, in any format the URL names', async () => {
    const t = await makeTarget()
    const before = await stored(t)
    const query = `EmailAddress=${encodeURIComponent(EMAIL)}`
    // An <img src> or a link followed: Sec-Fetch-Site, and no Origin on a GET.
    const image = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'image' }
    for (const path of [
      `${OP}?${query}`,
      `${OP}.csv?${query}`,
      `${OP}?${query}&format=xml`,
      `/json/reply${OP}?${query}`,
      `/cognitosendconfirmcoderequest?${query}`,
    ])
      await expectRefused(t, await t.request(path, { headers: image }), before)
    // A cross-origin fetch() GET carries its Origin.
    await expectRefused(t, await t.request(`${OP}?${query}`, { headers: crossSite() }), before)
    expect(t.codeSender.sent).toEqual([])
  })

  it('refuses a page of a sibling subdomain (same-site): another origin', async () => {
    const t = await makeTarget()
    const before = await stored(t)
    const headers = { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.localhost' }
    await expectRefused(t, await t.request(OP, formPost(headers)), before)
  })

  it('refuses, from a browser that sends no Sec-Fetch-Site, an Origin that is not its own', async () => {
    const t = await makeTarget()
    const before = await stored(t)
    for (const origin of [EVIL, 'https://localhost', 'http://localhost:8080'])
      await expectRefused(t, await t.request(OP, formPost({ Origin: origin })), before)
    expect(t.codeSender.sent).toEqual([])
  })

  it('refuses Origin: null, which sandboxed frames and file: pages send', async () => {
    const t = await makeTarget()
    const before = await stored(t)
    await expectRefused(t, await t.request(OP, formPost({ Origin: 'null' })), before)
    const headers = { 'Sec-Fetch-Site': 'cross-site', Origin: 'null' }
    await expectRefused(t, await t.request(OP, formPost(headers)), before)
    // Listing other origins allows null no more.
    const listed = await makeTarget({ corsOrigins: [APP] })
    await expectRefused(listed, await listed.request(OP, formPost({ Origin: 'null' })), before)
  })

  it("serves a configured CORS origin's cross-site requests, its simple requests included", async () => {
    const t = await makeTarget({ corsOrigins: [APP, 'https://other.example'] })
    const sent = await t.request(OP, formPost({ ...crossSite(APP), Accept: 'application/json' }))
    expect(sent.status).toBe(200)
    expect(sent.headers.get('Access-Control-Allow-Origin')).toBe(APP)
    expect(await readDto(sent)).toMatchObject({ OpCode: '0', 'Data.Username': EMAIL })
    // A preflighted JSON POST and a GET from that origin, and the same without Sec-Fetch-Site.
    const json = opRequest({ EmailAddress: 'bob@example.com' })
    const preflighted = { ...json, headers: { ...json.headers, ...crossSite(APP) } }
    expect((await t.request(OP, preflighted)).status).toBe(200)
    const query = `?EmailAddress=${encodeURIComponent('cy@example.com')}`
    expect((await t.request(OP + query, { headers: crossSite(APP) })).status).toBe(200)
    expect((await t.request(OP, formPost({ Origin: APP }))).status).toBe(200)
    // A subdomain of the listed one is another origin.
    const sibling = { 'Sec-Fetch-Site': 'same-site', Origin: 'https://api.app.example' }
    const before = await stored(t)
    await expectRefused(t, await t.request(OP, formPost(sibling)), before)
    await expectRefused(t, await t.request(OP, formPost(crossSite())), before)
    expect(t.codeSender.sent.length).toBe(4)
  })

  it('serves every origin when CORS_ORIGINS is *: any page may call after a preflight anyway', async () => {
    const t = await makeTarget({ corsOrigins: ['*'] })
    expect((await t.request(OP, formPost(crossSite()))).status).toBe(200)
  })

  it('serves same-origin pages, typed URLs (none), its own Origin, and clients that send neither header', async () => {
    const t = await makeTarget()
    const cases: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'same-origin', Origin: OWN },
      { 'Sec-Fetch-Site': 'none' },
      { Origin: OWN },
      {},
    ]
    for (const [i, headers] of cases.entries()) {
      const email = `user${i}@example.com`
      const body = `EmailAddress=${encodeURIComponent(email)}`
      const res = await t.request(OP, formPost(headers, body))
      expect(res.status, JSON.stringify(headers)).toBe(200)
      expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': email })
      // And the GET form, typed into the address bar or sent by curl.
      const code = t.codeSender.last(email)!
      const query = new URLSearchParams({ EmailAddress: email, ConfirmationCode: code })
      const confirmed = await t.request(`${OP}?${query}`, { headers })
      expect(confirmed.status, JSON.stringify(headers)).toBe(200)
      expect(await readDto(confirmed)).toMatchObject({ 'Data.Status': 'CONFIRMED' })
    }
  })

  it('leaves the Cognigy and open.cx routes alone: their credentials are headers no page can add', async () => {
    const t = await makeTarget()
    const created = createUserRequest()
    const res = await t.request(USERS, {
      ...created,
      headers: { ...created.headers, ...crossSite() },
    })
    expect(res.status).toBe(201)
    const list = await t.request(USERS, {
      headers: { ...createUserRequest().headers, Origin: 'null' },
    })
    expect(list.status).toBe(200)
    const auth = authenticate()
    const contact = await t.request(AUTHENTICATE, {
      ...auth,
      headers: { ...auth.headers, ...crossSite() },
    })
    expect(contact.status).toBe(200)
    // Without credentials they are the 401 they always were, not this refusal.
    const anonymous = await t.request(USERS, { headers: crossSite() })
    expect(anonymous.status).toBe(401)
  })

  it('answers CORS preflights as before, and a cross-site HEAD is the 405 it was', async () => {
    const t = await makeTarget({ corsOrigins: [APP] })
    const preflight = await t.request(OP, {
      method: 'OPTIONS',
      headers: {
        ...crossSite(APP),
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(APP)
    const foreign = await t.request(OP, {
      method: 'OPTIONS',
      headers: { ...crossSite(), 'Access-Control-Request-Method': 'POST' },
    })
    expect(foreign.status).toBe(204)
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const head = await t.request(`${OP}?EmailAddress=a%40example.com`, {
      method: 'HEAD',
      headers: crossSite(),
    })
    expect(head.status).toBe(405)
  })

  it('documents the 403 in the DTO in /openapi.json, on both methods', async () => {
    const t = await makeTarget()
    const doc = await (await t.request('/openapi.json')).json<any>()
    for (const method of ['post', 'get']) {
      const refused = doc.paths[OP][method].responses['403']
      expect(refused.description).toContain('OpCode 1011')
      expect(refused.content['application/json'].schema).toBeDefined()
      expect(refused.content['application/problem+json']).toBeUndefined()
    }
    expect(doc.paths[USERS].post.responses['403']).toBeUndefined()
    expect(doc.paths[AUTHENTICATE].post.responses['403']).toBeUndefined()
    const type = await t.request('/problems/cross-site-request')
    expect(type.status).toBe(200)
    expect(await type.json()).toMatchObject({ code: 1011, status: 403 })
  })
})
