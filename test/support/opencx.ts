import { TEST_ENV } from './deterministic.ts'

export const ORG_TOKEN = TEST_ENV.ORG_TOKENS
export const AUTHENTICATE = '/widget/authenticate-user'
export const WIDGET_CONTACT = '/widget/contact'
export const CONTACTS = '/contacts'

/** The open.cx seed's body, with a real address in place of the page's obfuscated one. */
export const SEED_CONTACT = {
  email: 'john.doe@example.com',
  name: 'John Doe',
  avatar_url: 'https://example.com/avatar.png',
  phone: '+1234567890',
  language: 'en',
  customData: { customKey: 'customValue' },
  chat_context: '<string>',
  http_action_overrides: { query_params: {}, path_params: {}, body_params: {}, headers: {} },
}

export interface AuthenticateOptions {
  accept?: string
  contentType?: string
  token?: string | null
}

/** The seed's curl: POST with the organisation bearer token (`token: null` sends none). */
export const authenticate = (
  body: unknown = SEED_CONTACT,
  {
    accept = 'application/json',
    contentType = 'application/json',
    token,
  }: AuthenticateOptions = {},
): RequestInit => ({
  method: 'POST',
  headers: {
    'Content-Type': contentType,
    Accept: accept,
    ...(token === null ? {} : { Authorization: `Bearer ${token ?? ORG_TOKEN}` }),
  },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

/** A GET with a bearer token (the organisation's unless another is given). */
export const bearer = (token: string = ORG_TOKEN, accept = 'application/json'): RequestInit => ({
  headers: { Authorization: `Bearer ${token}`, Accept: accept },
})

/** Authenticates a contact and returns its id and contact token. */
export const contactOf = async (
  t: { request(path: string, init?: RequestInit): Promise<Response> },
  body: unknown = SEED_CONTACT,
): Promise<{ id: string; token: string }> => {
  const res = await t.request(AUTHENTICATE, authenticate(body))
  if (res.status !== 200)
    throw new Error(`authenticate-user answered ${res.status}: ${await res.text()}`)
  const { token, contact } = await res.json<{ token: string; contact: { id: string } }>()
  return { id: contact.id, token }
}
