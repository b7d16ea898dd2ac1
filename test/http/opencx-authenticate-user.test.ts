import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import {
  AUTHENTICATE,
  authenticate,
  bearer,
  contactOf,
  SEED_CONTACT,
  WIDGET_CONTACT,
} from '../support/opencx.ts'
import { child, parseBody, type XmlElement } from '../support/parsers.ts'
import { MEDIA_TYPES } from '../support/requests.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

/** `{ token, id }` of an AuthenticatedContact body, whatever its format. */
const answerOf = (body: unknown, mediaType: string): { token: string; id: string } => {
  if (mediaType.includes('xml')) {
    const root = body as XmlElement
    expect(root.name).toBe('AuthenticatedContact')
    return { token: child(root, 'token')!.text, id: child(child(root, 'contact')!, 'id')!.text }
  }
  if (mediaType === 'text/csv') {
    const rows = body as Record<string, string>[]
    expect(rows).toHaveLength(1)
    expect(Object.keys(rows[0]!)).toEqual(['token', 'contact.id'])
    return { token: rows[0]!.token!, id: rows[0]!['contact.id']! }
  }
  const json = body as { token: string; contact: { id: string } }
  return { token: json.token, id: json.contact.id }
}

const count = async (t: Target) =>
  (await t.query<{ n: number }>('SELECT COUNT(*) AS n FROM contacts'))[0]!.n

describe('POST /widget/authenticate-user', () => {
  it.each(MEDIA_TYPES)(
    "answers the seed's curl with a token and the contact id in %s",
    async (mediaType) => {
      const t = await makeTarget()
      const res = await t.request(AUTHENTICATE, authenticate(SEED_CONTACT, { accept: mediaType }))
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toContain(mediaType)
      expect(res.headers.get('Cache-Control')).toBe('no-store')
      const body = await parseBody(res)
      const { token, id } = answerOf(body, mediaType)
      expect(id).toMatch(/^[0-9a-f]{24}$/)
      expect(token.split('.')).toHaveLength(3)
      if (mediaType === 'application/hal+json') {
        expect((body as any)._links).toEqual({
          self: { href: AUTHENTICATE },
          widgetContact: { href: WIDGET_CONTACT },
          contact: { href: `/contacts/${id}` },
        })
      } else {
        // Relations of the Link header are registered ones (RFC 8288 §2.1.1): HAL's own
        // names stay in HAL.
        expect(res.headers.get('Link')).toBe(`<${AUTHENTICATE}>; rel="self"`)
      }
      const read = await t.request(WIDGET_CONTACT, bearer(token))
      expect(await read.json<any>()).toMatchObject({ id, ...SEED_CONTACT })
    },
  )

  it('gives the same email the same contact, whatever its letter case, and updates what is given', async () => {
    const t = await makeTarget()
    const first = await contactOf(t)
    t.clock.advance(60_000)
    const again = await contactOf(t, { email: 'JOHN.Doe@Example.COM', name: 'Johnny' })
    expect(again.id).toBe(first.id)
    expect(await count(t)).toBe(1)
    const contact = await (await t.request(WIDGET_CONTACT, bearer(again.token))).json<any>()
    // Given members replace stored ones; the others are kept.
    expect(contact).toMatchObject({
      email: 'JOHN.Doe@Example.COM',
      name: 'Johnny',
      phone: SEED_CONTACT.phone,
      customData: SEED_CONTACT.customData,
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-01-02T03:05:05.000Z',
    })
  })

  it('creates exactly one contact for 24 concurrent requests with one new email', async () => {
    const t = await makeTarget()
    const body = { ...SEED_CONTACT, email: 'rush@example.com' }
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        t.request(AUTHENTICATE, authenticate({ ...body, name: `caller ${i}` })),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(24).fill(200))
    const ids = await Promise.all(responses.map(async (r) => (await r.json<any>()).contact.id))
    expect(new Set(ids).size).toBe(1)
    const rows = await t.query<{ id: string }>(
      "SELECT id FROM contacts WHERE email_key = 'rush@example.com'",
    )
    expect(rows).toEqual([{ id: ids[0] }])
  })

  it('identifies a contact without an email by its phone, however it is spaced', async () => {
    const t = await makeTarget()
    const first = await contactOf(t, { phone: '+44 20 7946 0958', name: 'Phone only' })
    const again = await contactOf(t, { phone: '+442079460958', language: 'fr' })
    expect(again.id).toBe(first.id)
    const contact = await (await t.request(WIDGET_CONTACT, bearer(again.token))).json<any>()
    expect(contact).toMatchObject({ phone: '+442079460958', name: 'Phone only', language: 'fr' })
    // With an email, the email is the identity: the phone-only contact stays as it is.
    const emailed = await contactOf(t, { email: 'ann@example.com', phone: '+442079460958' })
    expect(emailed.id).not.toBe(first.id)
    expect(await count(t)).toBe(2)
  })

  it.each([
    [
      'application/xml',
      '<AuthenticateUser><email>x@example.com</email><language>de</language><customData><entry key="n" type="number">3</entry></customData></AuthenticateUser>',
    ],
    ['text/csv', 'email,language,customData.n\r\nx@example.com,de,3\r\n'],
    ['application/x-www-form-urlencoded', 'email=x%40example.com&language=de&customData.n=3'],
  ])('reads a %s body', async (contentType, body) => {
    const t = await makeTarget()
    const { token } = await contactOf(t, { email: 'x@example.com' })
    const res = await t.request(AUTHENTICATE, authenticate(body, { contentType }))
    expect(res.status).toBe(200)
    const contact = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    expect(contact).toMatchObject({ email: 'x@example.com', language: 'de', customData: { n: 3 } })
  })

  // Text that reads as a number but would not be written back as it was sent stays text.
  const NUMBERISH = {
    acct: '12345678901234567890',
    price: '1.10',
    code: '007',
    exp: '1e3',
    huge: '1e400',
  }
  const numberish = Object.entries({ ...NUMBERISH, n: '-2.5' })
  const columns = numberish.map(([key]) => `customData.${key}`).join(',')
  const cells = numberish.map(([, text]) => text).join(',')
  const fields = new URLSearchParams(numberish.map(([key, text]) => [`customData.${key}`, text]))
  it.each([
    ['text/csv', `email,${columns}\r\nx@example.com,${cells}\r\n`],
    ['application/x-www-form-urlencoded', `email=x%40example.com&${fields}`],
  ])('keeps customData text from a %s body as sent', async (contentType, body) => {
    const t = await makeTarget()
    const { token } = await contactOf(t, { email: 'x@example.com' })
    const res = await t.request(AUTHENTICATE, authenticate(body, { contentType }))
    expect(res.status).toBe(200)
    const contact = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    expect(contact.customData).toEqual({ ...NUMBERISH, n: -2.5 })
  })

  it('takes back its own CSV of a contact whose customData keys hold dots and brackets', async () => {
    const t = await makeTarget()
    const customData = { 'a.constructor': 1, 'x[prototype]': 'y', '__proto__.z': true }
    const { token } = await contactOf(t, { ...SEED_CONTACT, customData })
    const csv = await (await t.request(WIDGET_CONTACT, bearer(token, 'text/csv'))).text()
    expect(csv.split('\r\n')[0]).toContain(',customData.a.constructor,customData.x[prototype],')
    const posted = await t.request(AUTHENTICATE, authenticate(csv, { contentType: 'text/csv' }))
    expect(posted.status).toBe(200)
    const read = async () => (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    expect(await read()).toEqual({ ...(await read()), ...SEED_CONTACT, customData })
    const form =
      'email=john.doe%40example.com&customData.a.constructor=2&customData.x%5Bprototype%5D=z'
    const formed = await t.request(
      AUTHENTICATE,
      authenticate(form, { contentType: 'application/x-www-form-urlencoded' }),
    )
    expect(formed.status).toBe(200)
    expect((await read()).customData).toEqual({ 'a.constructor': 2, 'x[prototype]': 'z' })
    expect(({} as Record<string, unknown>).z).toBeUndefined()
  })

  it.each([
    ['text/csv', 'email,customData.constructor\r\nx@example.com,1\r\n'],
    ['application/x-www-form-urlencoded', 'email=x%40example.com&customData.constructor=1'],
  ])('refuses a %s customData key that is a prototype member', async (contentType, body) => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate(body, { contentType }))
    expect(res.status).toBe(400)
    expect(await res.json<any>()).toMatchObject({
      code: 1001,
      details: { errors: [{ pointer: '/customData/constructor' }] },
    })
    expect(await count(t)).toBe(0)
  })
})
