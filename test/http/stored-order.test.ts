import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { ORG_TOKEN } from '../support/opencx.ts'
import { authed, createUserRequest, USERS } from '../support/requests.ts'

// Pages come in the order rows were stored (`seq`, which the database gives each row inside its
// write), not by createdAt and id: createdAt is the handler's clock, read before the write
// commits, and an id's last 8 bytes are random. Rows created in one millisecond (on Workers,
// most rows: the clock stands still between I/O) used to come in the order of their random ids,
// and one stored after a client's cursor had passed its place was never returned by that cursor
// or the links after it.

const H = { Authorization: `Bearer ${ORG_TOKEN}`, Accept: 'application/hal+json' }

describe('a cursor sees every row stored after it', () => {
  it('returns a contact stored in the same millisecond after a client passed its id’s place', async () => {
    // objectId(): 4 bytes of seconds, then 8 random bytes, so ids drawn within one millisecond
    // come in random order; these four stand for such draws.
    const ids = [
      '6b06f8a40000000000000005',
      '6b06f8a40000000000000009',
      '6b06f8a4000000000000000a',
      '6b06f8a40000000000000007',
    ]
    let i = 0
    const t = await makeTarget({ newId: () => ids[i++]! }) // the test clock stands still
    const create = async (email: string) => {
      const res = await t.request('/widget/authenticate-user', {
        method: 'POST',
        headers: { ...H, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email }),
      })
      expect(res.status).toBe(200)
    }
    const page = async (href: string) => {
      const res = await t.request(href, { headers: H })
      expect(res.status, href).toBe(200)
      return res.json<any>()
    }
    const idsOf = (p: any): string[] => p._embedded.items.map((c: { id: string }) => c.id)
    await create('a@example.com') // …05
    await create('b@example.com') // …09
    await create('c@example.com') // …0a
    const seen: string[] = []
    let p = await page('/contacts?limit=1')
    seen.push(...idsOf(p))
    p = await page(p._links.next.href)
    seen.push(...idsOf(p)) // …09; `next` exists (…0a follows)
    const boundary = p._links.next.href
    await create('d@example.com') // …07: its id sorts between …05 and …09
    p = await page(boundary)
    seen.push(...idsOf(p))
    // The client keeps polling its own position (`self`) and following `next`.
    for (let k = 0; k < 3; k++) {
      p = await page(p._links.next?.href ?? p._links.self.href)
      seen.push(...idsOf(p))
    }
    // Polling `self` reads a page again: each contact once, in the order stored.
    expect([...new Set(seen)]).toEqual(ids)
    // The export and the pages list them in the order stored, createdAt and id as data.
    const all = await (
      await t.request('/contacts/export', { headers: { ...H, Accept: 'application/json' } })
    ).json<any>()
    expect(all.items.map((c: { id: string }) => c.id)).toEqual(ids)
    expect(idsOf(await page('/contacts?limit=10'))).toEqual(ids)
    expect(Object.keys(all.items[3]).sort()).toEqual(['createdAt', 'email', 'id', 'updatedAt'])
  })

  it('puts an Amazon user stored after the last one was deleted behind a cursor taken at it', async () => {
    const t = await makeTarget()
    const create = async () => {
      const res = await t.request(USERS, createUserRequest())
      expect(res.status).toBe(201)
      return (await res.json<{ _id: string }>())._id
    }
    const remove = async (id: string) => {
      const res = await t.request(
        `${USERS}/${id}`,
        authed('application/json', { method: 'DELETE' }),
      )
      expect(res.status).toBe(204)
    }
    const page = async (href: string) => {
      const res = await t.request(href, authed('application/hal+json'))
      expect(res.status, href).toBe(200)
      return res.json<any>()
    }
    const idsOf = (p: any): string[] => p._embedded.items.map((u: { _id: string }) => u._id)
    const a = await create()
    const b = await create()
    const c = await create()
    // The client reads the page holding b and keeps its `next`: the page after b.
    const atB = await page((await page(`${USERS}?limit=1`))._links.next.href)
    expect(idsOf(atB)).toEqual([b])
    const afterB = atB._links.next.href
    // c, then b, each the last user when deleted; d is stored after both.
    await remove(c)
    await remove(b)
    const d = await create()
    // A number given again (the largest left plus one) would put d at b's place, behind the
    // cursor: never returned by it.
    expect(idsOf(await page(afterB))).toEqual([d])
    expect(idsOf(await page(`${USERS}?limit=10`))).toEqual([a, d])
  })

  it('refuses a cursor from before pages were in stored order with the 400 of a bad cursor', async () => {
    const t = await makeTarget()
    const old = Buffer.from(
      JSON.stringify([1, '2026-01-01T00:00:00.000Z', '6b06f8a40000000000000005']),
    ).toString('base64url')
    for (const path of [`/contacts?after=${old}`, `${USERS}?before=${old}`]) {
      const res = await t.request(
        path,
        path.startsWith('/contacts') ? { headers: H } : authed('application/json'),
      )
      expect(res.status, path).toBe(400)
      expect(await res.json<any>()).toMatchObject({
        details: { errors: [{ message: 'must be the cursor of a link' }] },
      })
    }
  })
})
