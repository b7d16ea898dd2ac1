import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import {
  child,
  parseBody,
  parseCsvStrict,
  parseXmlStrict,
  type XmlElement,
} from '../support/parsers.ts'
import {
  authed,
  createdByKey,
  createUserRequest,
  MEDIA_TYPES,
  SEED_USERS,
  USERS,
} from '../support/requests.ts'
import { API_KEY, TEST_ENV } from '../support/deterministic.ts'
import { aesGcm } from '../../src/crypto/aes-gcm.ts'
import { fromBase64 } from '../../src/crypto/encoding.ts'

/** The tokens stored for the only Alexa user, decrypted as the gateway would. */
const storedTokens = async (t: Awaited<ReturnType<typeof makeTarget>>) => {
  const rows = await t.query<{ id: string; access_token: string; refresh_token: string }>(
    'SELECT id, access_token, refresh_token FROM alexa_users',
  )
  expect(rows).toHaveLength(1)
  const { id, access_token, refresh_token } = rows[0]!
  const box = await aesGcm(fromBase64(TEST_ENV.ENCRYPTION_KEY))
  return {
    accessToken: await box.open(access_token, `alexa_users/${id}/access_token`),
    refreshToken: await box.open(refresh_token, `alexa_users/${id}/refresh_token`),
  }
}

const BREAKS = ['\r\n', '\n', '\r'] as const

/** The AmazonUser members of a body, whatever its format. */
const userOf = (body: unknown, mediaType: string): Record<string, string> => {
  if (mediaType.includes('xml')) {
    const root = body as XmlElement
    expect(root.name).toBe('AmazonUser')
    return Object.fromEntries(root.children.map((c) => [c.name, c.text]))
  }
  if (mediaType === 'text/csv') {
    const rows = body as Record<string, string>[]
    expect(rows).toHaveLength(1)
    return rows[0]!
  }
  return body as Record<string, string>
}

describe('POST /v2.0/external/alexa/users', () => {
  it.each(MEDIA_TYPES)('creates a user and answers 201 in %s', async (mediaType) => {
    const t = await makeTarget()
    const res = await t.request(SEED_USERS, createUserRequest(mediaType))
    expect(res.status).toBe(201)
    expect(res.headers.get('Content-Type')).toContain(mediaType)
    const user = userOf(await parseBody(res), mediaType)
    expect(user._id).toMatch(/^[0-9a-f]{24}$/)
    expect(res.headers.get('Location')).toBe(`${SEED_USERS}/${user._id}`)
    expect(user.createdAt).toBe('2026-01-02T03:04:05.000Z')
    expect(user.lastChanged).toBe(user.createdAt)
    expect(user.createdBy).toBe(await createdByKey(API_KEY))
    expect(user.lastChangedBy).toBe(user.createdBy)
    expect(user).not.toHaveProperty('accessToken')
    expect(user).not.toHaveProperty('refreshToken')
    if (mediaType === 'application/hal+json') {
      expect((user as unknown as { _links: unknown })._links).toEqual({
        self: { href: `${SEED_USERS}/${user._id}` },
      })
    }
    expect(res.headers.get('Vary')).toBe('Accept')
    expect(res.headers.get('X-Trace-Id')).toMatch(/^api--/)
  })

  it('stores the tokens encrypted, never in plaintext', async () => {
    const t = await makeTarget()
    const body = JSON.stringify({
      accessToken: 'Atza|secret-access',
      refreshToken: 'Atzr|secret-refresh',
    })
    expect((await t.request(USERS, createUserRequest('application/json', body))).status).toBe(201)
    const [row] = await t.query<{ access_token: string; refresh_token: string }>(
      'SELECT access_token, refresh_token FROM alexa_users',
    )
    expect(row!.access_token).toMatch(/^v1\./)
    expect(row!.access_token).not.toContain('secret-access')
    expect(row!.refresh_token).not.toContain('secret-refresh')
    expect(row!.access_token).not.toBe(row!.refresh_token)
  })

  it.each([
    ['application/json', JSON.stringify({ accessToken: 'a', refreshToken: 'r' })],
    [
      'application/xml',
      '<CreateAmazonUser><accessToken>a</accessToken><refreshToken>r</refreshToken></CreateAmazonUser>',
    ],
    [
      'text/xml; charset=utf-8',
      '<?xml version="1.0"?><x><accessToken>a</accessToken><refreshToken>r</refreshToken></x>',
    ],
    ['text/csv', 'accessToken,refreshToken\r\na,r\r\n'],
    ['application/x-www-form-urlencoded', 'accessToken=a&refreshToken=r'],
  ])('reads a %s request body', async (contentType, body) => {
    const t = await makeTarget()
    const res = await t.request(USERS, createUserRequest('application/json', body, contentType))
    expect(res.status).toBe(201)
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(1)
  })

  it.each(BREAKS.flatMap((header) => [...BREAKS, ''].map((row) => [header, row] as const)))(
    'stores CSV tokens exactly when the header ends in %j and the row in %j',
    async (header, row) => {
      const t = await makeTarget()
      const body = `accessToken,refreshToken${header}Atza|a,Atzr|r${row}`
      const res = await t.request(USERS, createUserRequest('application/json', body, 'text/csv'))
      expect(res.status).toBe(201)
      expect(await storedTokens(t)).toEqual({ accessToken: 'Atza|a', refreshToken: 'Atzr|r' })
    },
  )

  it.each([
    ['empty lines after the row', 'text/csv', 'Atza|a,Atzr|r\r\n\r\n\n', 'Atzr|r'],
    ['header=present declared', 'text/csv; header=present', 'Atza|a,Atzr|r', 'Atzr|r'],
    ['a quoted line break, kept', 'text/csv', 'Atza|a,"Atzr|\r\nr"\n', 'Atzr|\r\nr'],
  ])('reads a CSV body with %s', async (_, contentType, row, refreshToken) => {
    const t = await makeTarget()
    const body = `accessToken,refreshToken\r\n${row}`
    const res = await t.request(USERS, createUserRequest('application/json', body, contentType))
    expect(res.status).toBe(201)
    expect(await storedTokens(t)).toEqual({ accessToken: 'Atza|a', refreshToken })
  })

  it('answers 400 code 1000 with pointers when a token is missing', async () => {
    const t = await makeTarget()
    const res = await t.request(USERS, createUserRequest('application/json', '{"accessToken":"a"}'))
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
    const problem = await res.json<any>()
    expect(problem).toMatchObject({
      status: 400,
      code: 1000,
      instance: USERS,
      type: '/problems/validation',
    })
    expect(problem.details.errors).toEqual([
      { pointer: '/refreshToken', message: expect.any(String) },
    ])
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it.each([
    ['[]', 'an array'],
    ['[{"accessToken":"a","refreshToken":"r"}]', 'an array'],
    ['"x"', 'a string'],
    ['null', 'null'],
    ['42', 'a number'],
  ])('answers 400 code 1000 to the body %s: must be an object, not %s', async (body, what) => {
    const t = await makeTarget()
    const res = await t.request(USERS, createUserRequest('application/json', body))
    expect(res.status).toBe(400)
    const problem = await res.json<any>()
    expect(problem.code).toBe(1000)
    expect(problem.details.errors).toEqual([
      { pointer: '', message: `must be an object, not ${what}` },
    ])
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it.each([
    ['an empty', 'application/json', ''],
    ...['application/json', 'application/xml', 'text/csv', 'application/x-www-form-urlencoded'].map(
      (type) => ['a blank', type, ' \r\n\t '],
    ),
  ])('answers the seed\'s "Missing payload" for %s %s body', async (_, type, body) => {
    const t = await makeTarget()
    const res = await t.request(USERS, createUserRequest('application/json', body, type))
    expect(res.status).toBe(400)
    expect(await res.json<any>()).toMatchObject({
      code: 1000,
      detail: 'Validation failed. Missing payload.',
      details: { errors: [{ pointer: '', message: 'is required: the body is empty' }] },
    })
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it.each([
    ['no key', {}],
    ['a wrong key', { 'X-API-Key': 'not-a-key-0123456789abcdef' }],
    ['a key that differs in the last character', { 'X-API-Key': 'test-api-key-0123456789abcdeF' }],
  ])('answers 401 to %s and stores nothing', async (_, headers) => {
    const t = await makeTarget()
    const res = await t.request(USERS, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: '{"accessToken":"a","refreshToken":"r"}',
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toContain('X-API-Key')
    expect(await res.json<any>()).toMatchObject({ code: 1010, status: 401 })
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it('accepts every configured key, and records which one created the user', async () => {
    const t = await makeTarget()
    const keys = ['test-api-key-0123456789abcdef', 'second-key-0123456789abcdef']
    expect(TEST_ENV.API_KEYS.split(',')).toEqual(keys)
    const recorded: string[] = []
    for (const key of keys) {
      const init = createUserRequest()
      ;(init.headers as Record<string, string>)['X-API-Key'] = key
      const res = await t.request(USERS, init)
      expect(res.status, key).toBe(201)
      const user = await res.json<Record<string, string>>()
      expect(user.createdBy, key).toBe(await createdByKey(key))
      expect(user.lastChangedBy, key).toBe(user.createdBy)
      recorded.push(user.createdBy!)
    }
    expect(new Set(recorded).size).toBe(keys.length)
  })
})

describe('GET /v2.0/external/alexa/users', () => {
  const seed = async (n: number) => {
    const t = await makeTarget()
    const ids: string[] = []
    for (let i = 0; i < n; i++) {
      const res = await t.request(USERS, createUserRequest())
      ids.push(((await res.json<any>()) as { _id: string })._id)
      t.clock.advance(1000)
    }
    return { t, ids }
  }

  it('pages in creation order with a total, in JSON', async () => {
    const { t, ids } = await seed(5)
    const res = await t.request(`${USERS}?skip=2&limit=2`, authed())
    expect(res.status).toBe(200)
    const page = await res.json<any>()
    expect(page).toMatchObject({ total: 5, skip: 2, limit: 2 })
    expect(page.items.map((u: { _id: string }) => u._id)).toEqual(ids.slice(2, 4))
    expect(res.headers.get('X-Total-Count')).toBe('5')
    const link = res.headers.get('Link')!
    expect(link).toContain(`<${USERS}?skip=4&limit=2>; rel="last"`)
    // next reads on after the page's last user, prev back before its first (cursors), each
    // page where it says it is.
    const follow = async (rel: string) => {
      const href = new RegExp(`<([^>]*)>; rel="${rel}"`).exec(link)![1]!
      expect(href).toMatch(new RegExp(`^${USERS}\\?(after|before)=[\\w-]+&limit=2$`))
      return (await t.request(href, authed())).json<any>()
    }
    const next = await follow('next')
    expect(next).toMatchObject({ total: 5, skip: 4, limit: 2 })
    expect(next.items.map((u: { _id: string }) => u._id)).toEqual(ids.slice(4))
    const prev = await follow('prev')
    expect(prev).toMatchObject({ total: 5, skip: 0, limit: 2 })
    expect(prev.items.map((u: { _id: string }) => u._id)).toEqual(ids.slice(0, 2))
  })

  it('embeds items and links pages in HAL', async () => {
    const { t, ids } = await seed(3)
    const res = await t.request(`${USERS}?limit=2`, authed('application/hal+json'))
    const hal = await res.json<any>()
    expect(hal.total).toBe(3)
    expect(hal._links).toEqual({
      self: { href: `${USERS}?skip=0&limit=2` },
      first: { href: `${USERS}?skip=0&limit=2` },
      next: { href: expect.stringMatching(new RegExp(`^${USERS}\\?after=[\\w-]+&limit=2$`)) },
      last: { href: `${USERS}?skip=2&limit=2` },
    })
    expect(hal._embedded.items).toHaveLength(2)
    expect(hal._embedded.items[0]._links.self.href).toBe(`${USERS}/${ids[0]}`)
    expect(res.headers.get('Link')).toBeNull()
  })

  it('lists one row per user in CSV and one element per user in XML', async () => {
    const { t, ids } = await seed(2)
    const csv = parseCsvStrict(await (await t.request(USERS, authed('text/csv'))).text())
    expect(csv.map((r) => r._id)).toEqual(ids)
    const xml = parseXmlStrict(await (await t.request(USERS, authed('application/xml'))).text())
    expect(xml.name).toBe('AmazonUsers')
    expect(child(xml, 'items')!.children.map((c) => c.name)).toEqual(['AmazonUser', 'AmazonUser'])
    expect(child(xml, 'total')!.text).toBe('2')
  })

  it('answers an empty page with a header-only CSV and an empty XML wrapper', async () => {
    const t = await makeTarget()
    const csv = await (await t.request(USERS, authed('text/csv'))).text()
    expect(csv.split('\r\n')[0]).toBe('_id,createdAt,lastChanged,createdBy,lastChangedBy')
    expect(parseCsvStrict(csv)).toEqual([])
    const xml = parseXmlStrict(await (await t.request(USERS, authed('text/xml'))).text())
    expect(child(xml, 'items')!.children).toEqual([])
  })

  it.each(['limit=0', 'limit=101', 'limit=abc', 'skip=-1', 'skip=1.5', 'after=', 'after=a.b'])(
    'answers 400 to ?%s, its instance the path without the query',
    async (query) => {
      const t = await makeTarget()
      const res = await t.request(`${USERS}?${query}`, authed())
      expect(res.status).toBe(400)
      expect(await res.json<any>()).toMatchObject({ code: 1002, instance: USERS })
    },
  )
})

describe('GET and DELETE /v2.0/external/alexa/users/{id}', () => {
  it('reads, deletes, then answers 404', async () => {
    const t = await makeTarget()
    const created = await (await t.request(USERS, createUserRequest())).json<any>()
    const path = `${USERS}/${created._id}`
    const read = await t.request(path, authed())
    expect(read.status).toBe(200)
    expect(await read.json<any>()).toEqual(created)
    const deleted = await t.request(path, authed('application/json', { method: 'DELETE' }))
    expect(deleted.status).toBe(204)
    expect(await deleted.text()).toBe('')
    const gone = await t.request(path, authed('application/xml'))
    expect(gone.status).toBe(404)
    expect(gone.headers.get('Content-Type')).toBe('application/problem+xml; charset=utf-8')
    const problem = parseXmlStrict(await gone.text())
    expect(problem.name).toBe('problem')
    expect(problem.attributes.xmlns).toBe('urn:ietf:rfc:7807')
    expect(child(problem, 'code')!.text).toBe('1020')
    expect((await t.request(path, authed('application/json', { method: 'DELETE' }))).status).toBe(
      404,
    )
  })

  it('serves the user as XML through a .xml suffix', async () => {
    const t = await makeTarget()
    const created = await (await t.request(SEED_USERS, createUserRequest())).json<any>()
    const res = await t.request(`${SEED_USERS}/${created._id}.xml`, authed('application/json'))
    expect(res.headers.get('Content-Type')).toBe('application/xml; charset=utf-8')
    expect(child(parseXmlStrict(await res.text()), '_id')!.text).toBe(created._id)
  })
})
