import { API_KEY } from './deterministic.ts'

export const USERS = '/v2.0/external/alexa/users'
export const SEED_USERS = '/new/v2.0/external/alexa/users'

/** The five media types of the Cognigy seed's Accept list. */
export const MEDIA_TYPES = [
  'application/json',
  'application/hal+json',
  'application/xml',
  'text/xml',
  'text/csv',
] as const

/** Every Content-Type a request body may have. */
export const BODY_TYPES = [
  'application/json',
  'application/xml',
  'text/xml',
  'text/csv',
  'application/x-www-form-urlencoded',
] as const

export const SEED_BODY = JSON.stringify({ accessToken: '<string>', refreshToken: '<string>' })

/** The seed's curl: POST JSON with the X-API-Key. */
export const createUserRequest = (
  accept = 'application/json',
  body: string = SEED_BODY,
  contentType = 'application/json',
): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': contentType, 'X-API-Key': API_KEY, Accept: accept },
  body,
})

export const authed = (accept = 'application/json', init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { 'X-API-Key': API_KEY, Accept: accept, ...(init.headers as Record<string, string>) },
})

/**
 * What an Alexa user's `createdBy` says of the key that made it (README): `apikey:` and the
 * first 12 hex digits of the key's SHA-256, computed here with WebCrypto.
 */
export const createdByKey = async (key: string): Promise<string> => {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))
  const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `apikey:${hex.slice(0, 12)}`
}
