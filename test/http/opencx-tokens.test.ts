import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { tokenSigner } from '../../src/crypto/tokens.ts'
import { fromBase64Url, toBase64Url, utf8 } from '../../src/crypto/encoding.ts'
import {
  AUTHENTICATE,
  authenticate,
  bearer,
  CONTACTS,
  contactOf,
  ORG_TOKEN,
  WIDGET_CONTACT,
} from '../support/opencx.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const b64 = (value: unknown) => toBase64Url(utf8(JSON.stringify(value)))

/** The token with one character of its signature changed. */
const flipSignature = (token: string) => {
  const last = token.at(-2) === 'A' ? 'B' : 'A'
  return `${token.slice(0, -2)}${last}${token.at(-1)}`
}

const expect401 = async (res: Response, challenge: string) => {
  expect(res.status).toBe(401)
  expect(res.headers.get('WWW-Authenticate')).toBe(challenge)
  expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
  expect(await res.json<any>()).toMatchObject({ status: 401, code: 1010 })
}

const INVALID = 'Bearer realm="open.cx", error="invalid_token"'
const MISSING = 'Bearer realm="open.cx"'

describe('organisation token on authenticate-user and /contacts', () => {
  it.each([
    ['no Authorization header', null, MISSING],
    ['another scheme', 'Basic dXNlcjpwYXNz', MISSING],
  ])('answers 401 to %s and stores nothing', async (_, authorization, challenge) => {
    const t = await makeTarget()
    const init = authenticate(undefined, { token: null })
    if (authorization) (init.headers as Record<string, string>).Authorization = authorization
    await expect401(await t.request(AUTHENTICATE, init), challenge)
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it.each([
    ['a wrong token', 'not-the-org-token-0123456789abcdef'],
    ['the token with its last character changed', `${ORG_TOKEN.slice(0, -1)}F`],
  ])('answers 401 invalid_token to %s and stores nothing', async (_, token) => {
    const t = await makeTarget()
    await expect401(await t.request(AUTHENTICATE, authenticate(undefined, { token })), INVALID)
    expect(await t.query('SELECT id FROM contacts')).toHaveLength(0)
  })

  it('refuses a contact token on /contacts', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    await expect401(await t.request(CONTACTS, bearer(token)), INVALID)
    await expect401(await t.request(AUTHENTICATE, authenticate(undefined, { token })), INVALID)
  })
})

describe('contact token on GET /widget/contact', () => {
  it('answers 401 without a token', async () => {
    const t = await makeTarget()
    await expect401(await t.request(WIDGET_CONTACT), MISSING)
  })

  it('refuses the organisation token', async () => {
    const t = await makeTarget()
    await contactOf(t)
    await expect401(await t.request(WIDGET_CONTACT, bearer(ORG_TOKEN)), INVALID)
  })

  it('accepts a token until 24 hours have passed on the injected clock, then answers 401', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    t.clock.advance(DAY_MS - 1000)
    expect((await t.request(WIDGET_CONTACT, bearer(token))).status).toBe(200)
    t.clock.advance(1000)
    const res = await t.request(WIDGET_CONTACT, bearer(token))
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toBe(INVALID)
    expect((await res.json<any>()).detail).toContain('expired')
  })

  it('honours a configured token lifetime', async () => {
    const t = await makeTarget({ contactTokenTtlSeconds: 60 })
    const { token } = await contactOf(t)
    t.clock.advance(59_000)
    expect((await t.request(WIDGET_CONTACT, bearer(token))).status).toBe(200)
    t.clock.advance(1000)
    expect((await t.request(WIDGET_CONTACT, bearer(token))).status).toBe(401)
  })

  it('refuses forged tokens', async () => {
    const t = await makeTarget()
    const { id, token } = await contactOf(t)
    const [header, payload] = token.split('.') as [string, string, string]
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)))
    const other = await tokenSigner('another-secret-0123456789abcdef0123456789')
    const forged = [
      flipSignature(token),
      // alg "none" with no signature, and with the original one.
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${token.split('.')[2]}`,
      // Another contact's id under the original signature.
      `${header}.${b64({ ...claims, sub: 'ffffffffffffffffffffffff' })}.${token.split('.')[2]}`,
      // Signed with another key.
      await other.sign({ sub: id, kind: 'contact' }, new Date('2026-01-02T03:04:05Z'), 3600),
      'not.a.token',
      'garbage',
    ]
    for (const bad of forged) {
      const res = await t.request(WIDGET_CONTACT, bearer(bad))
      expect(res.status, bad).toBe(401)
      expect(res.headers.get('WWW-Authenticate')).toBe(INVALID)
    }
    expect((await t.request(WIDGET_CONTACT, bearer(token))).status).toBe(200)
  })

  it('answers 401 to every one-character change of the signature', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    const cut = token.lastIndexOf('.') + 1
    const signature = token.slice(cut)
    // Every base64url character, the standard alphabet's two and padding: only the signature
    // as it was written is a signature.
    const characters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=']
    const changed = new Set<string>()
    for (let i = 0; i < signature.length; i++)
      for (const c of characters) {
        if (c !== signature[i]) changed.add(signature.slice(0, i) + c + signature.slice(i + 1))
      }
    for (const other of changed) {
      const res = await t.request(WIDGET_CONTACT, bearer(token.slice(0, cut) + other))
      expect(res.status, other).toBe(401)
    }
    expect((await t.request(WIDGET_CONTACT, bearer(token))).status).toBe(200)
  })

  it('answers 401 to the token re-encoded as standard base64 with padding', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    const padded = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('base64'))
      .join('.')
    expect(padded).not.toBe(token)
    expect((await t.request(WIDGET_CONTACT, bearer(padded))).status).toBe(401)
    const unpadded = padded.replaceAll('=', '')
    if (unpadded !== token) {
      expect((await t.request(WIDGET_CONTACT, bearer(unpadded))).status).toBe(401)
    }
  })

  it('answers 401 when the contact of a valid token is gone', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    await t.query('DELETE FROM contacts')
    await expect401(await t.request(WIDGET_CONTACT, bearer(token)), INVALID)
  })
})
