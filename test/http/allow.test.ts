import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { OP } from '../support/cognito.ts'
import { SEED_USERS, USERS } from '../support/requests.ts'

const ORIGIN = 'https://app.example'

// One route of each kind, with exactly the methods it serves: a GET serves HEAD too, except
// the operation's GET, which acts (it sends a code).
const ROUTES: [kind: string, path: string, allow: string][] = [
  ['a collection', USERS, 'GET, HEAD, POST'],
  ['a collection under the seed base path', SEED_USERS, 'GET, HEAD, POST'],
  ['an item', `${USERS}/abc`, 'GET, HEAD, DELETE'],
  ['an item with a format suffix', `${USERS}/abc.xml`, 'GET, HEAD, DELETE'],
  ['a read-only route', '/healthz', 'GET, HEAD'],
  ['a documentation page', '/metadata', 'GET, HEAD'],
  ['the ServiceStack operation', OP, 'GET, POST'],
  ['the ServiceStack operation in its reply route', `/json/reply${OP}`, 'GET, POST'],
]

describe('Allow lists exactly the methods a route serves', () => {
  it.each(ROUTES)('answers PUT on %s with 405 and Allow: %s', async (_kind, path, allow) => {
    const t = await makeTarget()
    const res = await t.request(path, { method: 'PUT' })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe(allow)
  })

  it.each(ROUTES)(
    'answers OPTIONS on %s (CORS off) with 405 and Allow: %s',
    async (_k, path, allow) => {
      const t = await makeTarget()
      const res = await t.request(path, { method: 'OPTIONS' })
      expect(res.status).toBe(405)
      expect(res.headers.get('Allow')).toBe(allow)
    },
  )

  it.each(ROUTES)(
    'answers OPTIONS on %s that asks about no method (CORS on) as with CORS off: 405, Allow: %s',
    async (_k, path, allow) => {
      const t = await makeTarget({ corsOrigins: [ORIGIN] })
      const res = await t.request(path, { method: 'OPTIONS', headers: { Origin: ORIGIN } })
      expect(res.status).toBe(405)
      expect(res.headers.get('Allow')).toBe(allow)
      // An actual request of that origin: its answer is readable.
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN)
      expect(res.headers.get('Access-Control-Allow-Methods')).toBeNull()
    },
  )

  it.each(ROUTES)('answers a preflight on %s with Allow: %s', async (_kind, path, allow) => {
    const t = await makeTarget({ corsOrigins: [ORIGIN] })
    const res = await t.request(path, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('Allow')).toBe(allow)
    expect(res.headers.get('Access-Control-Allow-Methods')).toBe(allow.replaceAll(', ', ','))
  })

  it.each(['/nowhere', '/v2.0/external/alexa', `${USERS}/abc/more`, '/nowhere.xml'])(
    'answers a preflight on %s, which no route takes, with the 404 a GET there gets',
    async (path) => {
      const t = await makeTarget({ corsOrigins: [ORIGIN] })
      const headers = { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' }
      const res = await t.request(path, { method: 'OPTIONS', headers })
      const get = await t.request(path, { headers: { Origin: ORIGIN } })
      expect(get.status).toBe(404)
      expect(res.status).toBe(404)
      expect(res.headers.get('Content-Type')).toBe(get.headers.get('Content-Type'))
      expect(res.headers.get('Allow')).toBeNull()
      expect(res.headers.get('Access-Control-Allow-Methods')).toBeNull()
      const traceIds = /api--[\w-]+/g
      expect((await res.text()).replace(traceIds, '')).toBe(
        (await get.text()).replace(traceIds, ''),
      )
    },
  )

  it('answers HEAD on the operation with the same 405 and Allow, sending nothing', async () => {
    const t = await makeTarget()
    const res = await t.request(`${OP}?EmailAddress=ada%40example.com`, { method: 'HEAD' })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, POST')
    expect(t.codeSender.sent).toEqual([])
    expect(await t.query('SELECT id FROM cognito_users')).toEqual([])
  })

  it('answers HEAD on the operation with 405 whatever Accept says, not a 406', async () => {
    const t = await makeTarget()
    const res = await t.request(OP, { method: 'HEAD', headers: { Accept: 'image/png' } })
    expect(res.status).toBe(405)
    expect(res.headers.get('Allow')).toBe('GET, POST')
  })

  it('serves HEAD where Allow lists it', async () => {
    const t = await makeTarget()
    const res = await t.request('/healthz', { method: 'HEAD' })
    expect(res.status).toBe(200)
  })
})
