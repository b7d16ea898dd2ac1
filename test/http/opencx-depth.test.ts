import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import {
  AUTHENTICATE,
  authenticate,
  bearer,
  CONTACTS,
  contactOf,
  WIDGET_CONTACT,
} from '../support/opencx.ts'

/** `levels` objects, one inside the other: `{"a":{"a":1}}` for 2. */
const nested = (levels: number): unknown => {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

// The body's object is the first of the 32 levels a body may nest (the default limit), so
// customData may hold 31 more.
const DEEPEST = 31
const EXPORT = `${CONTACTS}/export`
const ACCEPTS = ['application/json', 'application/hal+json', 'application/xml', 'text/csv']

describe('the depth limit, counted from each resource', () => {
  it('refuses a body one level deeper than the limit', async () => {
    const t = await makeTarget()
    const body = { email: 'deep@example.com', customData: nested(DEEPEST + 1) }
    const res = await t.request(AUTHENTICATE, authenticate(body))
    expect(res.status).toBe(400)
    expect((await res.json<any>()).code).toBe(1001)
  })

  it('points at the member past the limit alike in JSON, CSV and form bodies', async () => {
    const t = await makeTarget()
    // In CSV and form, a customData object too deep for columns is a cell of its JSON text.
    const deep = JSON.stringify(nested(DEEPEST + 1))
    const bodies: [string, string][] = [
      ['application/json', `{"email":"deep@example.com","customData":${deep}}`],
      ['text/csv', `email,customData\r\ndeep@example.com,"${deep.replaceAll('"', '""')}"\r\n`],
      [
        'application/x-www-form-urlencoded',
        `email=deep%40example.com&customData=${encodeURIComponent(deep)}`,
      ],
    ]
    for (const [type, body] of bodies) {
      const res = await t.request(AUTHENTICATE, authenticate(body, { contentType: type }))
      expect(res.status, type).toBe(400)
      const problem = await res.json<any>()
      expect(problem.code, type).toBe(1001)
      expect(problem.details.errors, type).toEqual([
        { pointer: `/customData${'/a'.repeat(DEEPEST + 1)}`, message: expect.any(String) },
      ])
    }
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it('counts XML depth as JSON depth, however few elements the body has', async () => {
    const t = await makeTarget()
    // customData `levels` deep as keyed entries (`nested`'s value in XML): a few dozen
    // elements, far below the 10,000-element limit, so only the depth limit can refuse it.
    const xml = (levels: number) =>
      '<AuthenticateUser><email>deep@example.com</email><customData>' +
      `${'<entry key="a" type="object">'.repeat(levels - 1)}<entry key="a" type="number">1</entry>` +
      `${'</entry>'.repeat(levels - 1)}</customData></AuthenticateUser>`
    for (const type of ['application/xml', 'text/xml']) {
      const res = await t.request(
        AUTHENTICATE,
        authenticate(xml(DEEPEST + 1), { contentType: type }),
      )
      expect(res.status, type).toBe(400)
      const problem = await res.json<any>()
      expect(problem.code, type).toBe(1001)
      expect(problem.detail, type).toContain('XML nested deeper than 32 levels')
    }
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
    const res = await t.request(
      AUTHENTICATE,
      authenticate(xml(DEEPEST), { contentType: 'application/xml' }),
    )
    expect(res.status).toBe(200)
    const { token } = await res.json<any>()
    const contact = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    expect(contact.customData).toEqual(nested(DEEPEST))
  })

  it('writes customData as deep as a body may be in every format: alone, in a page and in an export', async () => {
    const t = await makeTarget()
    const { id } = await contactOf(t, { email: 'deep@example.com', customData: nested(DEEPEST) })
    await contactOf(t, { email: 'flat@example.com', customData: { a: 1 } })
    for (const accept of [...ACCEPTS, 'text/html']) {
      for (const url of [`${CONTACTS}/${id}`, CONTACTS]) {
        const res = await t.request(url, bearer(undefined, accept))
        expect(res.status, `${url} ${accept}`).toBe(200)
        await res.body?.cancel()
      }
    }
    const page = await (await t.request(CONTACTS, bearer())).json<any>()
    expect(page.items[0].customData).toEqual(nested(DEEPEST))
    for (const accept of ACCEPTS) {
      const res = await t.request(EXPORT, bearer(undefined, accept))
      expect(res.status, accept).toBe(200)
      const text = await res.text()
      expect(text, accept).toContain('flat@example.com')
    }
    const exported = await (await t.request(EXPORT, bearer())).json<any>()
    expect(exported.items).toEqual(page.items)
  })

  it('still refuses to write data stored deeper than any body can be, alone and in a page alike', async () => {
    const t = await makeTarget()
    const deep = JSON.stringify(nested(DEEPEST + 1))
    await t.query(`INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
      VALUES ('deep', 'd@x.org', 'd@x.org', '${deep}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`)
    for (const accept of ACCEPTS) {
      // The CSV export writes a customData object as one cell of its JSON text, whatever its
      // depth: its header is fixed before the first row, so the object cannot add columns.
      const urls = [`${CONTACTS}/deep`, CONTACTS, ...(accept === 'text/csv' ? [] : [EXPORT])]
      for (const url of urls) {
        const res = await t.request(url, bearer(undefined, accept))
        expect(res.status, `${url} ${accept}`).toBe(500)
        await res.body?.cancel()
      }
    }
  })
})
