import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { OP } from '../support/cognito.ts'
import { bearer, CONTACTS, contactOf, ORG_TOKEN } from '../support/opencx.ts'
import { child, parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'
import { authed, createUserRequest, SEED_USERS, USERS } from '../support/requests.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

const seedContacts = async (t: Target, n = 3) => {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    ids.push((await contactOf(t, { email: `c${i}@example.com` })).id)
    t.clock.advance(1000)
  }
  return ids
}

const seedUsers = async (t: Target, n = 3) => {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    ids.push((await (await t.request(USERS, createUserRequest())).json<any>())._id)
    t.clock.advance(1000)
  }
  return ids
}

/** The Link header as `rel → href`. */
const linksOf = (res: Response): Record<string, string> =>
  Object.fromEntries(
    [...(res.headers.get('Link') ?? '').matchAll(/<([^>]*)>; rel="([^"]*)"/g)].map((m) => [
      m[2]!,
      m[1]!,
    ]),
  )

/** A client that cannot set Accept: none at all, or a tool's `*\/*`. */
const noAccept = (init: RequestInit, accept?: string): RequestInit => {
  const headers = new Headers(init.headers)
  if (accept === undefined) headers.delete('Accept')
  else headers.set('Accept', accept)
  return { ...init, headers }
}

/** Follows `next` from `href` to the end; each page's Content-Type and the ids it holds. */
const walk = async (
  t: Target,
  href: string,
  init: RequestInit,
  idsOf: (text: string) => string[],
) => {
  const pages: { type: string; ids: string[] }[] = []
  for (let next: string | undefined = href; next !== undefined;) {
    const res = await t.request(next, init)
    expect(res.status, next).toBe(200)
    pages.push({ type: res.headers.get('Content-Type')!, ids: idsOf(await res.text()) })
    next = linksOf(res).next
  }
  return pages
}

const csvIds = (key: string) => (text: string) => parseCsvStrict(text).map((row) => row[key]!)
const xmlIds = (item: string, key: string) => (text: string) =>
  child(parseXmlStrict(text), 'items')!
    .children.filter((c) => c.name === item)
    .map((c) => child(c, key)!.text)

describe('links to the representation the URL named', () => {
  it.each([undefined, '*/*'])(
    'follows next from /contacts.csv?limit=1 in CSV to the end (Accept %s)',
    async (accept) => {
      const t = await makeTarget()
      const ids = await seedContacts(t)
      const pages = await walk(
        t,
        `${CONTACTS}.csv?limit=1`,
        noAccept(bearer(), accept),
        csvIds('id'),
      )
      expect(pages.map((p) => p.type)).toEqual(Array(3).fill(expect.stringMatching(/^text\/csv/)))
      expect(pages.flatMap((p) => p.ids)).toEqual(ids)
    },
  )

  it('follows next from /contacts?format=xml&limit=1 in XML to the end', async () => {
    const t = await makeTarget()
    const ids = await seedContacts(t)
    const pages = await walk(
      t,
      `${CONTACTS}?format=xml&limit=1`,
      noAccept(bearer(), '*/*'),
      xmlIds('Contact', 'id'),
    )
    expect(pages.map((p) => p.type)).toEqual(
      Array(3).fill(expect.stringMatching(/^application\/xml/)),
    )
    expect(pages.flatMap((p) => p.ids)).toEqual(ids)
  })

  it('keeps a suffix on the path and ?format= in the query, on every paging link', async () => {
    const t = await makeTarget()
    await seedContacts(t)
    const suffixed = linksOf(await t.request(`${CONTACTS}.csv?skip=1&limit=1`, bearer()))
    const queried = linksOf(await t.request(`${CONTACTS}?skip=1&format=xml&limit=1`, bearer()))
    expect(Object.keys(suffixed)).toEqual(['self', 'first', 'prev', 'next', 'last'])
    for (const href of Object.values(suffixed)) expect(href).toMatch(/^\/contacts\.csv\?[^.]*$/)
    for (const href of Object.values(queried))
      expect(href).toMatch(/^\/contacts\?(skip|after|before)=[\w-]+&limit=1&format=xml$/)
    expect(suffixed.last).toBe('/contacts.csv?skip=2&limit=1')
    expect(queried.first).toBe('/contacts?skip=0&limit=1&format=xml')
  })

  it('keeps .hal on the page links in _links, and links each item canonically', async () => {
    const t = await makeTarget()
    const ids = await seedContacts(t)
    const res = await t.request(`${CONTACTS}.hal?limit=1`, noAccept(bearer(), '*/*'))
    expect(res.headers.get('Content-Type')).toMatch(/^application\/hal\+json/)
    expect(res.headers.get('Link')).toBeNull()
    const hal = await res.json<any>()
    expect(hal._links.self.href).toBe('/contacts.hal?skip=0&limit=1')
    expect(hal._links.next.href).toMatch(/^\/contacts\.hal\?after=[\w-]+&limit=1$/)
    expect(hal._links.last.href).toBe('/contacts.hal?skip=2&limit=1')
    expect(hal._embedded.items[0]._links.self.href).toBe(`${CONTACTS}/${ids[0]}`)
    const next = await t.request(hal._links.next.href, noAccept(bearer(), '*/*'))
    expect(next.headers.get('Content-Type')).toMatch(/^application\/hal\+json/)
    expect((await next.json<any>())._embedded.items[0].id).toBe(ids[1])
  })

  it('leaves the links of an Accept-negotiated page as they were', async () => {
    const t = await makeTarget()
    await seedContacts(t)
    for (const accept of ['text/csv', 'application/xml', '*/*']) {
      const links = linksOf(await t.request(`${CONTACTS}?limit=1`, bearer(undefined, accept)))
      expect(links.self).toBe('/contacts?skip=0&limit=1')
      expect(links.next).toMatch(/^\/contacts\?after=[\w-]+&limit=1$/)
    }
    const hal = await (
      await t.request(`${CONTACTS}?limit=1`, bearer(undefined, 'application/hal+json'))
    ).json<any>()
    expect(hal._links.last.href).toBe('/contacts?skip=2&limit=1')
  })

  it('pages the Cognigy users in CSV from .csv, on either base path', async () => {
    const t = await makeTarget()
    const ids = await seedUsers(t)
    for (const base of [USERS, SEED_USERS]) {
      const pages = await walk(t, `${base}.csv?limit=2`, noAccept(authed(), '*/*'), csvIds('_id'))
      expect(pages.map((p) => p.type)).toEqual(Array(2).fill(expect.stringMatching(/^text\/csv/)))
      expect(pages.flatMap((p) => p.ids)).toEqual(ids)
      const xml = linksOf(await t.request(`${base}?format=xml&limit=2`, authed()))
      expect(xml.next).toMatch(new RegExp(`^${base}\\?after=[\\w-]+&limit=2&format=xml$`))
    }
  })

  it("keeps a user's self in its format, its collection and a 201's Location canonical", async () => {
    const t = await makeTarget()
    const created = await t.request(`${USERS}.xml`, createUserRequest('*/*'))
    expect(created.status).toBe(201)
    const id = child(parseXmlStrict(await created.text()), '_id')!.text
    expect(created.headers.get('Location')).toBe(`${USERS}/${id}`)
    expect(linksOf(created)).toEqual({ self: `${USERS}/${id}.xml` })
    const read = await t.request(`${USERS}/${id}?format=csv`, authed('*/*'))
    expect(linksOf(read)).toEqual({ self: `${USERS}/${id}?format=csv`, collection: USERS })
    const hal = await (await t.request(`${USERS}/${id}.hal`, authed())).json<any>()
    expect(hal._links).toEqual({
      self: { href: `${USERS}/${id}.hal` },
      collection: { href: USERS },
    })
  })

  it("keeps the export's format on its self link, not on its items'", async () => {
    const t = await makeTarget()
    const [first] = await seedContacts(t, 1)
    const csv = await t.request(`${CONTACTS}/export.csv`, bearer())
    expect(linksOf(csv)).toEqual({ self: '/contacts/export.csv' })
    const hal = await (await t.request(`${CONTACTS}/export?format=hal`, bearer())).json<any>()
    expect(hal._links.self.href).toBe('/contacts/export?format=hal')
    expect(hal._embedded.items[0]._links.self.href).toBe(`${CONTACTS}/${first}`)
    const accepted = await t.request(`${CONTACTS}/export`, bearer(undefined, 'text/csv'))
    expect(linksOf(accepted)).toEqual({ self: '/contacts/export' })
  })

  it("keeps a ServiceStack reply's format on its self link, in the form the URL used", async () => {
    const t = await makeTarget()
    const post = (path: string): RequestInit => ({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ EmailAddress: `${path.length}@example.com` }),
    })
    for (const [path, self] of [
      [`/csv/reply${OP}`, `/csv/reply${OP}`],
      [`${OP}.xml`, `${OP}.xml`],
      [`${OP}?format=csv`, `${OP}?format=csv`],
      [OP, OP],
    ]) {
      const res = await t.request(path!, post(path!))
      expect(res.status, path).toBe(200)
      expect(linksOf(res), path).toEqual({ self })
    }
  })

  it('keeps the format on the gateway pages: the index, the problem catalogue', async () => {
    const t = await makeTarget()
    expect(linksOf(await t.request('/?format=xml'))).toEqual({
      self: '/?format=xml',
      'service-desc': '/openapi.json',
      'service-doc': '/docs',
    })
    expect(linksOf(await t.request('/healthz.csv'))).toEqual({ self: '/healthz.csv' })
    expect(linksOf(await t.request('/problems.xml'))).toEqual({
      self: '/problems.xml',
      first: '/problems.xml',
      last: '/problems.xml',
    })
    const one = await (await t.request('/problems/validation.hal')).json<any>()
    expect(one._links).toEqual({
      self: { href: '/problems/validation.hal' },
      collection: { href: '/problems' },
    })
    // Links to other operations, templated or not, stay canonical.
    const index = await (await t.request('/?format=hal')).json<any>()
    expect(index._links.self.href).toBe('/?format=hal')
    expect(index._links.listContacts.href).toBe(CONTACTS)
    expect(index._links.getContact.href).toBe(`${CONTACTS}/{id}`)
    expect(index._links['service-desc'].href).toBe('/openapi.json')
  })
})

describe("HTML pages' links", () => {
  const page = async (t: Target, path: string) => {
    const res = await t.request(path, { headers: { Authorization: `Bearer ${ORG_TOKEN}` } })
    return { status: res.status, html: await res.text() }
  }
  const hrefs = (html: string, attrs: string) =>
    [...html.matchAll(new RegExp(`<a ${attrs} href="([^"]+)"`, 'g'))].map((m) =>
      m[1]!.replaceAll('&amp;', '&'),
    )

  it('pages on in HTML from .html, and offers the other formats of the same page', async () => {
    const t = await makeTarget()
    await seedContacts(t)
    const { html } = await page(t, `${CONTACTS}.html?skip=1&limit=1`)
    expect(hrefs(html, 'rel="next"')[0]).toMatch(/^\/contacts\.html\?after=[\w-]+&limit=1$/)
    expect(hrefs(html, 'rel="alternate" type="text/csv"')).toEqual([
      '/contacts?skip=1&limit=1&format=csv',
    ])
    const csv = await t.request(
      hrefs(html, 'rel="alternate" type="text/csv"')[0]!,
      bearer(undefined, '*/*'),
    )
    expect(csv.status).toBe(200)
    expect(csv.headers.get('Content-Type')).toMatch(/^text\/csv/)
  })

  it("offers a problem's JSON at the URL asked, with its query and no .html", async () => {
    const t = await makeTarget()
    for (const path of [`${CONTACTS}.html?limit=0&x=1`, `${CONTACTS}?limit=0&format=html&x=1`]) {
      const { status, html } = await page(t, path)
      expect(status).toBe(400)
      const json = hrefs(html, 'rel="alternate" type="application/json"')
      expect(json).toEqual(['/contacts?limit=0&x=1&format=json'])
      // The same problem again, in JSON: not a 406 for naming two formats.
      const res = await t.request(json[0]!, bearer())
      expect(res.status).toBe(400)
      expect(res.headers.get('Content-Type')).toMatch(/^application\/problem\+json/)
      // Not XML or CSV: a browser would download those, and a download of a 400 fails.
      expect(hrefs(html, 'rel="alternate" type="text/csv"')).toEqual([])
      expect(hrefs(html, 'rel="alternate" type="application/xml"')).toEqual([])
    }
  })
})
