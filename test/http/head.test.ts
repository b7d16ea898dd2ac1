import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { AUTHENTICATE, authenticate, bearer, CONTACTS } from '../support/opencx.ts'
import { authed, USERS } from '../support/requests.ts'

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength

describe('HEAD', () => {
  it.each([
    ['the index', '/', {}],
    ['a page of users as CSV', `${USERS}.csv`, authed()],
    ['a page of contacts as XML', CONTACTS, bearer(undefined, 'application/xml')],
    ['a problem', '/no/such/route', {}],
    ['the OpenAPI document', '/openapi.json', {}],
    ['a metadata page', '/metadata', {}],
    ['the docs page', '/docs', {}],
  ])('answers %s with the headers of GET, Content-Length included', async (_, path, init) => {
    const t = await makeTarget()
    // A name past ASCII: the length is in bytes, not characters.
    await t.request(AUTHENTICATE, authenticate({ email: 'zoe@example.com', name: 'Zoë' }))
    const get = await t.request(path, init)
    const body = await get.text()
    const head = await t.request(path, { ...init, method: 'HEAD' })
    expect(head.status).toBe(get.status)
    expect(await head.text()).toBe('')
    expect(head.headers.get('Content-Length')).toBe(String(byteLength(body)))
    const names = (res: Response) =>
      [...res.headers.keys()].filter((name) => name !== 'content-length' && name !== 'x-trace-id')
    expect(names(head)).toEqual(names(get))
  })
})
