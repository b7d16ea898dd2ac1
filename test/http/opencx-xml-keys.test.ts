import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { AUTHENTICATE, authenticate, bearer, WIDGET_CONTACT } from '../support/opencx.ts'
import { child, parseXmlStrict } from '../support/parsers.ts'

// Keys that are not XML names: a space, a leading digit, `<`, and a dotted one.
const BODY =
  '<?xml version="1.0" encoding="UTF-8"?><AuthenticateUser>' +
  '<email>keys@example.com</email>' +
  '<customData>' +
  '<entry key="first name">Ada</entry>' +
  '<entry key="1st">yes</entry>' +
  '<entry key="x&lt;y" type="number">3</entry>' +
  '<entry key="nested" type="object"><entry key="a b" type="boolean">true</entry>' +
  '<entry key="list" type="array"><item type="number">1</item><item type="null"/></entry></entry>' +
  '</customData>' +
  '<http_action_overrides>' +
  '<query_params><entry key="page size">10</entry><entry key="a.b">x</entry></query_params>' +
  '<path_params><entry key="9id">42</entry></path_params>' +
  '<body_params><entry key="x y" type="object"><entry key="&amp;" type="number">-1</entry></entry></body_params>' +
  '<headers><entry key="X-Tenant">acme &amp; co</entry></headers>' +
  '</http_action_overrides>' +
  '</AuthenticateUser>'

const EXPECTED = {
  email: 'keys@example.com',
  customData: {
    'first name': 'Ada',
    '1st': 'yes',
    'x<y': 3,
    nested: { 'a b': true, list: [1, null] },
  },
  http_action_overrides: {
    query_params: { 'page size': '10', 'a.b': 'x' },
    path_params: { '9id': '42' },
    body_params: { 'x y': { '&': -1 } },
    headers: { 'X-Tenant': 'acme & co' },
  },
}

describe('free-form keys in XML', () => {
  it('reads keys that are not XML names from an XML body, and answers them in JSON', async () => {
    const t = await makeTarget()
    const res = await t.request(
      AUTHENTICATE,
      authenticate(BODY, { contentType: 'application/xml' }),
    )
    expect(res.status).toBe(200)
    const { token } = await res.json<any>()
    const contact = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    expect(contact).toMatchObject(EXPECTED)
  })

  it('writes them as keyed entries that an XML body can send back unchanged', async () => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate(BODY, { contentType: 'text/xml' }))
    const { token } = await res.json<any>()
    const xml = await (await t.request(WIDGET_CONTACT, bearer(token, 'application/xml'))).text()
    const root = parseXmlStrict(xml)
    expect(root.name).toBe('Contact')
    const keys = child(root, 'customData')!.children.map((e) => [e.name, e.attributes.key])
    expect(keys).toEqual([
      ['entry', 'first name'],
      ['entry', '1st'],
      ['entry', 'x<y'],
      ['entry', 'nested'],
    ])
    // The Contact document itself is a valid request body: the round trip changes nothing.
    const before = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    const again = await t.request(
      AUTHENTICATE,
      authenticate(xml, { contentType: 'application/xml' }),
    )
    expect((await again.json<any>()).contact.id).toBe(before.id)
    expect(await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()).toEqual(before)
  })

  it.each([
    ['customData as text', '<customData>plan=gold</customData>', '/customData', 1000],
    [
      'headers as text',
      '<http_action_overrides><headers>X-A: 2</headers></http_action_overrides>',
      '/http_action_overrides/headers',
      1000,
    ],
    [
      'a number that is not one',
      '<customData><entry key="n" type="number">abc</entry></customData>',
      '/customData/n',
      1001,
    ],
    [
      'a boolean that is not one',
      '<customData><entry key="b" type="boolean">yes</entry></customData>',
      '/customData/b',
      1001,
    ],
    ['markup inside the email', '<email>keys@<b>x</b>example.com</email>', '/email', 1001],
    ['an unbound prefix', '<x:name>Ada</x:name>', '/name', 1001],
    [
      'an entry with its value as an attribute',
      '<customData><entry key="k" value="v"/></customData>',
      '/customData/k',
      1001,
    ],
  ])(
    'refuses %s with a 400 naming it, keeping the stored contact',
    async (_, inner, pointer, code) => {
      const t = await makeTarget()
      const first = await t.request(AUTHENTICATE, authenticate(BODY, { contentType: 'text/xml' }))
      const { token } = await first.json<any>()
      // The contact is named by its email, unless the case is about the email itself.
      const email = inner.startsWith('<email>') ? '' : '<email>keys@example.com</email>'
      const body = `<AuthenticateUser>${email}${inner}</AuthenticateUser>`
      const res = await t.request(
        AUTHENTICATE,
        authenticate(body, { contentType: 'application/xml' }),
      )
      expect(res.status).toBe(400)
      const problem = await res.json<any>()
      expect(problem.code).toBe(code)
      expect(problem.details.errors.map((e: any) => e.pointer)).toContain(pointer)
      const contact = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
      expect(contact).toMatchObject(EXPECTED)
    },
  )

  it('refuses members sent as attributes of the root, naming the first, storing nothing', async () => {
    const t = await makeTarget()
    const body = '<a name="Attr Name" language="de"><email>attr2@example.com</email></a>'
    const res = await t.request(
      AUTHENTICATE,
      authenticate(body, { contentType: 'application/xml' }),
    )
    expect(res.status).toBe(400)
    expect(await res.json<any>()).toMatchObject({
      code: 1001,
      details: {
        errors: [
          {
            pointer: '/name',
            message: 'attribute "name" is not read: send name as an element (<name>…</name>)',
          },
        ],
      },
    })
    expect(await t.query("SELECT id FROM contacts WHERE email_key = 'attr2@example.com'")).toEqual(
      [],
    )
  })
})
