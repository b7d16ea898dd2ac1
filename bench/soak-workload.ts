// The soak's mix: writes (POST alexa users) in every body format, reads in every media type.
import { MEDIA_TYPES, USERS } from '../test/support/requests.ts'

export { USERS }

/** One request of the mix, and what a correct answer looks like. */
export interface Step {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  /** The status a correct answer has. */
  status: number
  /** How the Content-Type of a correct answer starts. */
  contentType: string
  write: boolean
}

const BODIES: ((n: number) => [string, string])[] = [
  (n) => [
    'application/json',
    JSON.stringify({ accessToken: `Atza|soak-${n}`, refreshToken: `Atzr|soak-${n}` }),
  ],
  (n) => [
    'application/xml',
    `<CreateAmazonUser><accessToken>Atza|soak-${n}</accessToken><refreshToken>Atzr|soak-${n}</refreshToken></CreateAmazonUser>`,
  ],
  (n) => ['text/csv', `accessToken,refreshToken\r\nAtza|soak-${n},"Atzr|soak,${n}"\r\n`],
  (n) => [
    'application/x-www-form-urlencoded',
    `accessToken=Atza%7Csoak-${n}&refreshToken=Atzr%7Csoak-${n}`,
  ],
]

/**
 * The n-th request: 4 in 10 are writes (cycling the four body formats), the rest reads of the
 * collection (random page) or of an item already created, each in one of the five media types.
 *
 * @example
 * stepAt(0, 'k', []) // a POST with a JSON body, answered in application/json
 */
export const stepAt = (n: number, apiKey: string, ids: readonly string[]): Step => {
  const accept = MEDIA_TYPES[n % MEDIA_TYPES.length]!
  const headers = { 'X-API-Key': apiKey, Accept: accept }
  if (n % 10 < 4) {
    const [type, body] = BODIES[Math.floor(n / 10 + n) % BODIES.length]!(n)
    return {
      method: 'POST',
      path: USERS,
      headers: { ...headers, 'Content-Type': type },
      body,
      status: 201,
      contentType: accept,
      write: true,
    }
  }
  const id = ids.length > 0 && n % 10 >= 7 ? ids[(n * 7919) % ids.length] : undefined
  const path = id
    ? `${USERS}/${id}`
    : `${USERS}?skip=${(n * 31) % Math.max(1, ids.length)}&limit=${1 + (n % 25)}`
  return { method: 'GET', path, headers, status: 200, contentType: accept, write: false }
}

/** The value at a percentile of sorted numbers. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
