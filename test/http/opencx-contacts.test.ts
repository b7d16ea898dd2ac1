import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { AUTHENTICATE, authenticate, bearer, CONTACTS, contactOf } from '../support/opencx.ts'
import { child, parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

const seed = async (t: Target, n: number) => {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    ids.push((await contactOf(t, { email: `c${i}@example.com`, name: `C ${i}` })).id)
    t.clock.advance(1000)
  }
  return ids
}

describe('GET /contacts', () => {
  it('pages in creation order with a total, in JSON, with RFC 8288 links', async () => {
    const t = await makeTarget()
    const ids = await seed(t, 5)
    const res = await t.request(`${CONTACTS}?skip=2&limit=2`, bearer())
    expect(res.status).toBe(200)
    const page = await res.json<any>()
    expect(page).toMatchObject({ total: 5, skip: 2, limit: 2 })
    expect(page.items.map((c: any) => c.id)).toEqual(ids.slice(2, 4))
    expect(page.items[0]).toMatchObject({ email: 'c2@example.com', name: 'C 2' })
    expect(res.headers.get('X-Total-Count')).toBe('5')
    const link = res.headers.get('Link')!
    expect(link).toMatch(new RegExp(`<${CONTACTS}\\?before=[\\w-]+&limit=2>; rel="prev"`))
    expect(link).toMatch(new RegExp(`<${CONTACTS}\\?after=[\\w-]+&limit=2>; rel="next"`))
  })

  it('walks every page through its next links and back through its prev links, each read by key', async () => {
    const t = await makeTarget()
    const ids = await seed(t, 7)
    const walk = async (path: string, rel: 'next' | 'prev') => {
      const pages: { skip: number; ids: string[]; links: any }[] = []
      let href: string | undefined = path
      while (href) {
        const hal: any = await (
          await t.request(href, bearer(undefined, 'application/hal+json'))
        ).json()
        pages.push({
          skip: hal.skip,
          ids: hal._embedded.items.map((c: any) => c.id),
          links: hal._links,
        })
        href = hal._links[rel]?.href
      }
      return pages
    }
    const pages = await walk(`${CONTACTS}?limit=3`, 'next')
    expect(pages.map((p) => p.ids)).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)])
    // A page read with a cursor knows where it is: its skip, and its first and last links.
    expect(pages.map((p) => p.skip)).toEqual([0, 3, 6])
    expect(pages[1]!.links.self.href).toMatch(/\?after=[\w-]+&limit=3$/)
    expect(pages[2]!.links).toMatchObject({
      first: { href: `${CONTACTS}?skip=0&limit=3` },
      last: { href: `${CONTACTS}?skip=6&limit=3` },
    })
    // Back from the last page: the same pages, in reverse, the first without a prev.
    const back = await walk(pages[2]!.links.self.href, 'prev')
    expect(back.map((p) => p.ids)).toEqual([ids.slice(6), ids.slice(3, 6), ids.slice(0, 3)])
    expect(back.map((p) => p.skip)).toEqual([6, 3, 0])
    expect(back[1]!.links.self.href).toMatch(/\?before=[\w-]+&limit=3$/)
    // Unlike ?skip=, a cursor does not lose a contact when one before it goes: c3 follows c2
    // even after c0 is deleted.
    const second = pages[0]!.links.next.href
    await t.query(`DELETE FROM contacts WHERE id = '${ids[0]}'`)
    const after = await (await t.request(second, bearer())).json<any>()
    expect(after.items.map((c: any) => c.id)).toEqual(ids.slice(3, 6))
    const skipped = await (await t.request(`${CONTACTS}?skip=3&limit=3`, bearer())).json<any>()
    expect(skipped.items.map((c: any) => c.id)).toEqual(ids.slice(4, 7))
  })

  it.each([
    ['after=bm9wZQ', '/after', 'must be the cursor of a link'],
    ['before=WzAsIngiXQ', '/before', 'must be the cursor of a link'],
    ['after=a%2Bb', '/after', 'must be the cursor of a link'],
    ['skip=0&after=WzMsIngiLCJ5Il0', '/after', 'cannot be combined with skip'],
    ['after=WzMsIngiLCJ5Il0&before=WzMsIngiLCJ5Il0', '/before', 'cannot be combined with after'],
    ['limit=1&limit=2', '/limit', 'is given twice; send it once'],
    ['skip=0&limit=5&skip=3', '/skip', 'is given twice; send it once'],
    [
      'limit=2&after=WzMsIngiLCJ5Il0&after=WzMsIngiLCJ5Il0',
      '/after',
      'is given twice; send it once',
    ],
  ])('answers 400 to ?%s, naming the parameter', async (query, pointer, message) => {
    const t = await makeTarget()
    const res = await t.request(`${CONTACTS}?${query}`, bearer())
    expect(res.status).toBe(400)
    expect(await res.json<any>()).toMatchObject({
      code: 1002,
      details: { errors: [{ pointer, message }] },
    })
  })

  it('embeds the items in HAL, each linking to its own resource', async () => {
    const t = await makeTarget()
    const ids = await seed(t, 3)
    const res = await t.request(`${CONTACTS}?limit=2`, bearer(undefined, 'application/hal+json'))
    const hal = await res.json<any>()
    expect(hal.total).toBe(3)
    expect(hal._links.next.href).toMatch(new RegExp(`^${CONTACTS}\\?after=[\\w-]+&limit=2$`))
    expect(hal._embedded.items).toHaveLength(2)
    const self = hal._embedded.items[0]._links.self.href
    expect(self).toBe(`${CONTACTS}/${ids[0]}`)
    const one = await t.request(self, bearer())
    expect(await one.json<any>()).toMatchObject({ id: ids[0], email: 'c0@example.com' })
    expect((await t.request(`${CONTACTS}/nope`, bearer())).status).toBe(404)
  })

  it('exports a spreadsheet-safe CSV: formulas neutralised, numbers left numbers', async () => {
    const t = await makeTarget()
    await contactOf(t, {
      email: 'formula@example.com',
      name: '=HYPERLINK("http://x","y")',
      phone: '+1234567890',
      customData: { note: '@SUM(1+1)', n: -5 },
    })
    await contactOf(t, { email: 'plain@example.com', customData: { tier: 'gold', 'a.b': 1.5 } })
    const res = await t.request(CONTACTS, bearer(undefined, 'text/csv'))
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present')
    const text = await res.text()
    const rows = parseCsvStrict(text)
    expect(rows).toHaveLength(2)
    // The union of every row's customData keys, as columns.
    expect(Object.keys(rows[0]!).filter((k) => k.startsWith('customData.'))).toEqual([
      'customData.note',
      'customData.n',
      'customData.tier',
      'customData.a.b',
    ])
    expect(rows[0]).toMatchObject({
      name: `'=HYPERLINK("http://x","y")`,
      phone: "'+1234567890",
      'customData.note': "'@SUM(1+1)",
      'customData.n': '-5',
      'customData.tier': '',
    })
    expect(rows[1]).toMatchObject({ 'customData.tier': 'gold', 'customData.a.b': '1.5', name: '' })
  })

  it('writes well-formed XML for a name with control characters, emoji and ]]>', async () => {
    const t = await makeTarget()
    const name = 'Ann\u0001\u0007\u001b\u000b 😀 ]]> <b>&amp;"\u007f'
    const { token } = await contactOf(t, { email: 'ann@example.com', name })
    for (const [path, init] of [
      [CONTACTS, bearer(undefined, 'application/xml')],
      ['/widget/contact', bearer(token, 'text/xml')],
    ] as const) {
      const root = parseXmlStrict(await (await t.request(path, init)).text())
      const contact = root.name === 'Contacts' ? child(child(root, 'items')!, 'Contact')! : root
      // XML 1.0 cannot carry C0 controls: each becomes U+FFFD; everything else survives.
      expect(child(contact, 'name')!.text).toBe(
        'Ann\uFFFD\uFFFD\uFFFD\uFFFD 😀 ]]> <b>&amp;"\u007f',
      )
    }
  })

  it('answers control characters exactly in JSON, and refuses NUL, which SQLite would cut', async () => {
    const t = await makeTarget()
    const name = 'Zoë\u0001\u001f 😀 ]]>'
    const { token } = await contactOf(t, { email: 'zoe@example.com', name })
    const contact = await (await t.request('/widget/contact', bearer(token))).json<any>()
    expect(contact.name).toBe(name)
    const res = await t.request(
      AUTHENTICATE,
      authenticate({ email: 'nul@example.com', name: 'a\u0000b' }),
    )
    expect(res.status).toBe(400)
    expect((await res.json<any>()).details.errors[0].pointer).toBe('/name')
    expect(await t.query("SELECT id FROM contacts WHERE email_key = 'nul@example.com'")).toEqual([])
  })

  it('leaves out a member stored by hand as JSON null, as it leaves out SQL NULL', async () => {
    const t = await makeTarget()
    await t.query(`INSERT INTO contacts (id, email, email_key, custom_data, http_action_overrides, created_at, updated_at)
      VALUES ('a', 'a@x.org', 'a@x.org', 'null', 'null', '2025-01-01', '2025-01-01')`)
    const one = await (await t.request(`${CONTACTS}/a`, bearer())).json<any>()
    const page = await (await t.request(CONTACTS, bearer())).json<any>()
    for (const contact of [one, page.items[0]]) {
      expect(contact).not.toHaveProperty('customData')
      expect(contact).not.toHaveProperty('http_action_overrides')
    }
  })

  it('writes a customData stored by hand as an array as that array, in every format', async () => {
    const t = await makeTarget()
    await t.query(`INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
      VALUES ('a', 'a@x.org', 'a@x.org', '[1,{"k":"v"}]', '2025-01-01', '2025-01-01')`)
    const text = async (accept: string) =>
      (await t.request(`${CONTACTS}/a`, bearer(undefined, accept))).text()
    expect(JSON.parse(await text('application/json')).customData).toEqual([1, { k: 'v' }])
    expect(JSON.parse(await text('application/hal+json')).customData).toEqual([1, { k: 'v' }])
    expect(parseCsvStrict(await text('text/csv'))[0]!.customData).toBe('[1,{"k":"v"}]')
    const xml = parseXmlStrict(await text('application/xml'))
    expect(child(child(xml, 'customData')!, 'item')!.text).toBe('1')
  })
})
