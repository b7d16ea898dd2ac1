import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { CONTACT_LIMITS } from '../../src/model/contact-fields.ts'
import { API_KEY } from '../support/deterministic.ts'
import { AUTHENTICATE, authenticate, bearer, SEED_CONTACT } from '../support/opencx.ts'
import { USERS } from '../support/requests.ts'

const fetchDocument = async () => {
  const t = await makeTarget()
  return (await t.request('/openapi.json')).json<any>()
}

/** Whether text meets a string schema's `pattern` and every `pattern` of its `allOf`. */
const meets = (schema: any, text: string): boolean =>
  [schema, ...(schema.allOf ?? [])]
    .filter((s) => s.pattern !== undefined)
    .every((s) => new RegExp(s.pattern, 'u').test(text))

describe('the values /openapi.json describes are the ones the gateway accepts', () => {
  it('describes the avatar URLs authenticate-user accepts: http(s), non-ASCII letters too', async () => {
    const doc = await fetchDocument()
    const avatar = doc.components.schemas.AuthenticateUser.properties.avatar_url
    expect(avatar.format).toBeUndefined()
    expect(avatar.description).toMatch(/http or https/)
    const t = await makeTarget()
    const urls = [
      'https://example.com/avatar.png',
      'HTTP://EXAMPLE.COM/A.PNG',
      'https://bücher.example/ä/bild.png',
      'ftp://example.com/avatar.png',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'https://exa mple.com/a.png',
      'https://example.com/\u0001.png',
      'https:example.com',
    ]
    for (const url of urls) {
      const res = await t.request(AUTHENTICATE, authenticate({ ...SEED_CONTACT, avatar_url: url }))
      expect(res.status, url).toBe(meets(avatar, url) ? 200 : 400)
    }
  })

  it('describes the header values an override may carry: Latin-1, no control character but TAB', async () => {
    const doc = await fetchDocument()
    const overrides = doc.components.schemas.AuthenticateUser.properties.http_action_overrides
    const value = overrides.properties.headers.additionalProperties
    expect(value.description).toMatch(/Latin-1/)
    const t = await makeTarget()
    const values = ['plain', 'tab\there', 'café', 'price in €', 'a\r\nb', 'bell\u0007', 'del\u007f']
    for (const text of values) {
      const body = { ...SEED_CONTACT, http_action_overrides: { headers: { 'X-A': text } } }
      const res = await t.request(AUTHENTICATE, authenticate(body))
      expect(res.status, JSON.stringify(text)).toBe(meets(value, text) ? 200 : 400)
    }
  })

  it('states the 16 KiB bound on customData and the overrides as JSON, also sent in a form', async () => {
    const doc = await fetchDocument()
    const { properties } = doc.components.schemas.AuthenticateUser
    const bound = `${CONTACT_LIMITS.jsonBytes} bytes as JSON`
    expect(properties.customData.description).toContain(bound)
    expect(properties.customData.description).toMatch(/form field or CSV cell/)
    expect(properties.http_action_overrides.description).toContain(bound)
    expect(properties.http_action_overrides.description).toMatch(/As a whole/)
    const t = await makeTarget()
    // `{"k":"…"}` is 8 bytes around the text; spaces in the field's JSON are not counted.
    for (const [size, status] of [
      [CONTACT_LIMITS.jsonBytes, 200],
      [CONTACT_LIMITS.jsonBytes + 1, 400],
    ] as const) {
      const form = new URLSearchParams({
        email: 'form@example.com',
        customData: `{ "k" : "${'x'.repeat(size - 8)}" }`,
      })
      const res = await t.request(AUTHENTICATE, {
        method: 'POST',
        headers: { ...bearer().headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      })
      expect(res.status, String(size)).toBe(status)
    }
  })

  it("gives the 201's HAL example the created user's own URL as self, as the gateway does", async () => {
    const doc = await fetchDocument()
    const created = doc.paths[USERS].post.responses['201'].content['application/hal+json'].example
    expect(created._links.self.href).toBe(`${USERS}/${created._id}`)
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: {
        'X-API-Key': API_KEY,
        'Content-Type': 'application/json',
        Accept: 'application/hal+json',
      },
      body: JSON.stringify({ accessToken: 'a', refreshToken: 'r' }),
    })
    expect(res.status).toBe(201)
    const body = await res.json<any>()
    expect(body._links.self.href).toBe(res.headers.get('Location'))
    expect(body._links.self.href).toBe(`${USERS}/${body._id}`)
  })
})
