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
    expect(link).toContain(`<${CONTACTS}?skip=0&limit=2>; rel="prev"`)
    expect(link).toContain(`<${CONTACTS}?skip=4&limit=2>; rel="next"`)
  })

  it('embeds the items in HAL, each linking to its own resource', async () => {
    const t = await makeTarget()
    const ids = await seed(t, 3)
    const res = await t.request(`${CONTACTS}?limit=2`, bearer(undefined, 'application/hal+json'))
    const hal = await res.json<any>()
    expect(hal.total).toBe(3)
    expect(hal._links.next).toEqual({ href: `${CONTACTS}?skip=2&limit=2` })
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
})
