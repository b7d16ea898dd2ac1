import { makeTarget } from '#target'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { authed, createUserRequest, USERS } from '../support/requests.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

const TOTAL = 17

const seed = async (t: Target) => {
  const ids: string[] = []
  for (let i = 0; i < TOTAL; i++) {
    const res = await t.request(USERS, createUserRequest())
    ids.push(((await res.json<any>()) as { _id: string })._id)
    t.clock.advance(1000)
  }
  return ids
}

interface Page {
  skip: number
  ids: string[]
  links: Record<string, { href: string } | undefined>
}

const read = async (t: Target, href: string): Promise<Page> => {
  const res = await t.request(href, authed('application/hal+json'))
  expect(res.status, href).toBe(200)
  const hal = await res.json<any>()
  return {
    skip: hal.skip,
    ids: hal._embedded.items.map((u: { _id: string }) => u._id),
    links: hal._links,
  }
}

/** A page holds the users at the positions it reports: from its skip on, in order. */
const expectWhereItSays = (page: Page, ids: string[], href: string) => {
  if (page.ids.length === 0) return
  expect(page.skip, href).toBe(ids.indexOf(page.ids[0]!))
  expect(page.ids, href).toEqual(ids.slice(page.skip, page.skip + page.ids.length))
}

describe('following page links', () => {
  it('reports the skip a page is at, after prev from a page that starts inside the first page', async () => {
    const t = await makeTarget()
    const ids = await seed(t)
    const first = await read(t, `${USERS}?skip=2&limit=5`)
    let page = await read(t, first.links.prev!.href)
    expect(page).toMatchObject({ skip: 0, ids: ids.slice(0, 2) })
    const skips = []
    for (let i = 0; i < 3; i++) {
      page = await read(t, page.links.next!.href)
      skips.push(page.skip)
      expectWhereItSays(page, ids, 'next')
    }
    expect(skips).toEqual([2, 7, 12])
    // In a Link header too: a JSON page's prev then leads back to the right positions.
    const res = await t.request(page.links.self!.href, authed())
    expect(await res.json<any>()).toMatchObject({ skip: 12 })
    const prev = /<([^>]*)>; rel="prev"/.exec(res.headers.get('Link')!)![1]!
    expect(await read(t, prev)).toMatchObject({ skip: 7, ids: ids.slice(7, 12) })
  })

  it('finds every page where it says it is, whichever links are followed from wherever', async () => {
    const t = await makeTarget()
    const ids = await seed(t)
    // Mostly next and prev, the links that carry a position in their cursor.
    const rel = fc.constantFrom('next', 'prev', 'next', 'prev', 'first', 'last', 'self')
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: TOTAL + 3 }),
        fc.array(rel, { minLength: 4, maxLength: 12 }),
        async (limit, skip, moves) => {
          let href = `${USERS}?skip=${skip}&limit=${limit}`
          let page = await read(t, href)
          expectWhereItSays(page, ids, href)
          for (const move of moves) {
            const link = page.links[move]
            if (!link) continue
            href = link.href
            page = await read(t, href)
            expectWhereItSays(page, ids, `${move}: ${href}`)
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})
