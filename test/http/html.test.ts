import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { bearer, CONTACTS, contactOf, SEED_CONTACT } from '../support/opencx.ts'
import { authed, createUserRequest, USERS } from '../support/requests.ts'

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const browser = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { Accept: BROWSER, ...(init.headers as Record<string, string>) },
})

const sha256 = async (text: string) =>
  btoa(
    String.fromCharCode(
      ...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))),
    ),
  )

/** The page's CSP allows exactly its inline stylesheet, by hash, and nothing else. */
const expectPagePolicy = async (res: Response, page: string) => {
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1]
  expect(style).toBeDefined()
  const csp = res.headers.get('Content-Security-Policy')!
  expect(csp).toContain(`style-src 'sha256-${await sha256(style!)}'`)
  expect(csp).toMatch(/default-src 'none'/)
  expect(csp).toMatch(/frame-ancestors 'none'/)
  expect(csp).not.toMatch(/script-src|unsafe/)
  expect(page).not.toMatch(/<script|\sstyle="|\son\w+=/i)
}

describe('HTML for browsers', () => {
  it("answers a browser's own Accept on / with a page of the index", async () => {
    const t = await makeTarget()
    const res = await t.request('/', browser())
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('Vary')).toBe('Accept')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    const page = await res.text()
    await expectPagePolicy(res, page)
    expect(page).toContain('<h1>Gateway</h1>')
    expect(page).toContain('<a rel="problemTypes" href="/problems">/problems</a>')
    for (const key of ['json', 'hal', 'xml', 'csv'])
      expect(page).toContain(`href="/?format=${key}"`)
  })

  it('keeps */* on JSON', async () => {
    const t = await makeTarget()
    const res = await t.request('/', { headers: { Accept: '*/*' } })
    expect(res.headers.get('Content-Type')).toContain('application/json')
    expect(res.headers.get('Content-Security-Policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    )
  })

  it('shows a collection with links to its items, and an item with its links', async () => {
    const t = await makeTarget()
    await t.request(USERS, createUserRequest())
    const list = await (await t.request(USERS, authed(BROWSER))).text()
    expect(list).toContain('<h1>AmazonUsers</h1>')
    const item = /<a rel="item" href="([^"]+)">/.exec(list)?.[1]
    expect(item).toBe(`${USERS}/000000000000000000000001`)
    const res = await t.request(item!, authed(BROWSER))
    const page = await res.text()
    await expectPagePolicy(res, page)
    expect(page).toContain('<th scope="row">_id</th><td>000000000000000000000001</td>')
    expect(page).toContain(`<a rel="collection" href="${USERS}">`)
    expect(page).not.toMatch(/accessToken|refreshToken|&lt;string&gt;/)
  })

  it('follows the page links to the same resource in CSV and XML', async () => {
    const t = await makeTarget()
    const page = await (await t.request('/problems/validation', browser())).text()
    for (const [key, type] of [
      ['csv', 'text/csv'],
      ['xml', 'application/xml'],
    ]) {
      const href = new RegExp(`href="([^"]+format=${key})"`).exec(page)![1]!
      const res = await t.request(href.replaceAll('&amp;', '&'), browser())
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toContain(type)
    }
  })

  it.each([
    // The URL parser percent-encodes this markup before the gateway sees it: the page must
    // show it so, never decoded. (Escaping itself: the test of stored markup below.)
    ['a 404', '/no/such/<script>alert(1)</script>', {}, 404],
    ['a 401', USERS, {}, 401],
    ['a 405', '/healthz', { method: 'PUT' }, 405],
  ] as [string, string, RequestInit, number][])(
    'renders %s problem as a page, every value escaped',
    async (_name, path, init, status) => {
      const t = await makeTarget()
      const res = await t.request(path, browser(init))
      expect(res.status).toBe(status)
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
      const page = await res.text()
      await expectPagePolicy(res, page)
      expect(page).toMatch(new RegExp(`<h1>${status} `))
      expect(page).toMatch(/<a href="\/problems\/[a-z-]+">/)
      expect(page).toContain('<th scope="row">traceId</th>')
      expect(page).not.toContain('<script>')
    },
  )

  it('escapes markup a client stored, in a value and in a key, on the page that shows it', async () => {
    const t = await makeTarget()
    // Sent in a JSON body, this text reaches the page as it was stored: no URL encoding.
    const markup = `<b>x</b> & "q" 'a'`
    const escaped = '&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &#39;a&#39;'
    const { id } = await contactOf(t, {
      ...SEED_CONTACT,
      name: markup,
      customData: { [`<i>${markup}</i>`]: markup },
    })
    for (const path of [`${CONTACTS}/${id}`, CONTACTS]) {
      const res = await t.request(path, bearer(undefined, BROWSER))
      expect(res.status, path).toBe(200)
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
      const page = await res.text()
      await expectPagePolicy(res, page)
      expect(page, path).toContain(`<td>${escaped}</td>`)
      expect(page, path).toContain(`&lt;i&gt;${escaped}&lt;/i&gt;`)
      expect(page, path).not.toMatch(/<\/?[bi]>|"q"|'a'/)
    }
  })

  it('offers no other format of an answer to a request that acted: asking again would act again', async () => {
    const t = await makeTarget()
    const alternates = /rel="alternate"/
    // ServiceStack's GET form sends a code; its page is not a link to send another.
    const sent = await t.request(
      '/CognitoSendConfirmCodeRequest?EmailAddress=ada@example.com',
      browser(),
    )
    expect(sent.status).toBe(200)
    expect(await sent.text()).not.toMatch(alternates)
    // A POST's page, and its problem's, would link GETs of a route that takes only POST.
    const created = await t.request(USERS, browser(createUserRequest(BROWSER)))
    expect(created.status).toBe(201)
    expect(await created.text()).not.toMatch(alternates)
    const refused = await t.request(USERS, browser(createUserRequest(BROWSER, '{}')))
    expect(refused.status).toBe(400)
    expect(await refused.text()).not.toMatch(alternates)
    // What does not act keeps them, and a HEAD answers as its GET does.
    const page = await (await t.request('/problems/validation', browser())).text()
    expect(page).toMatch(alternates)
    const head = await t.request('/problems/validation', browser({ method: 'HEAD' }))
    expect(Number(head.headers.get('Content-Length'))).toBe(new TextEncoder().encode(page).length)
  })

  it('never links a path that would leave the site', async () => {
    const t = await makeTarget()
    // What a server sees for `GET //evil.example/x`: a path that starts with two slashes.
    const res = await t.request('http://localhost//evil.example/x', browser())
    expect(res.status).toBe(404)
    const page = await res.text()
    expect(page).toContain('//evil.example/x')
    expect(page).not.toMatch(/href="\/\/evil/)
  })
})
