import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { OP, opRequest, readDto } from '../support/cognito.ts'
import { AUTHENTICATE, authenticate, bearer, WIDGET_CONTACT } from '../support/opencx.ts'

// Real addresses a simplified check refuses: an apostrophe, punycode (`--`), `%`, and `_` in
// a domain label.
const REAL = [
  "o'brien@example.com",
  'user@xn--bcher-kva.example',
  'user%tag@example.com',
  'user@sub_domain.example.com',
]

const NOT_ADDRESSES = ['not-an-email', 'a..b@example.com', 'user@localhost', 'a@b@example.com']

describe('email addresses on authenticate-user', () => {
  it.each(REAL)('accepts %s and stores it as sent', async (email) => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate({ email: ` ${email} ` }))
    expect(res.status).toBe(200)
    const { token } = await res.json<{ token: string }>()
    const contact = await (await t.request(WIDGET_CONTACT, bearer(token))).json<any>()
    expect(contact.email).toBe(email)
  })

  it.each(NOT_ADDRESSES)('answers 400 at /email to %s and stores nothing', async (email) => {
    const t = await makeTarget()
    const res = await t.request(AUTHENTICATE, authenticate({ email }))
    expect(res.status).toBe(400)
    expect((await res.json<any>()).details.errors).toEqual([
      { pointer: '/email', message: 'must be an email address' },
    ])
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })
})

describe('email addresses on CognitoSendConfirmCodeRequest', () => {
  it.each(REAL)('sends a code to %s', async (email) => {
    const t = await makeTarget()
    const res = await t.request(OP, opRequest({ EmailAddress: email }))
    expect(res.status).toBe(200)
    expect(await readDto(res)).toMatchObject({ OpCode: '0', 'Data.Username': email })
    expect(t.codeSender.last(email)).toMatch(/^\d{6}$/)
  })

  it.each(NOT_ADDRESSES)('answers OpCode 1000 to %s and stores nothing', async (email) => {
    const t = await makeTarget()
    const res = await t.request(OP, opRequest({ EmailAddress: email }))
    expect(res.status).toBe(400)
    expect(await readDto(res)).toMatchObject({ OpCode: '1000' })
    expect(await t.query('SELECT id FROM cognito_users')).toHaveLength(0)
  })
})
