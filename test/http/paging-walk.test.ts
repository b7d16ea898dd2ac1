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
  limit: number
  ids: string[]
  links: Record<string, { href: string } | undefined>
}

const read = async (t: Target, href: string): Promise<Page> => {
  const res = await t.request(href, authed('application/hal+json'))
  expect(res.status, href).toBe(200)
  const hal = await res.json<any>()
  return {
    skip: hal.skip,
    limit: hal.limit,
    ids: hal._embedded.items.map((u: { _id: string }) => u._id),
    links: hal._links,
  }
}

/**
 * A page holds the users at the positions it reports: from its skip on, in order. It holds
 * fewer than its limit only at the end (none past it), or at the start when read `?before=`.
 */
const expectWhereItSays = (page: Page, ids: string[], href: string) => {
  expect(page.ids, href).toEqual(ids.slice(page.skip, page.skip + page.ids.length))
  if (page.ids.length < page.limit)
    expect(page.skip === 0 || page.skip + page.ids.length >= ids.length, href).toBe(true)
}

/**
 * The links a page has: self, first and last always (last at the start of the last page);
 * prev where users come before it, next where users come after it.
 */
const expectLinks = (page: Page, href: string) => {
  const rels = ['self', 'first', 'last']
  if (page.skip > 0) rels.push('prev')
  if (page.skip + page.ids.length < TOTAL) rels.push('next')
  const present = Object.keys(page.links).filter((rel) => page.links[rel])
  expect(present.sort(), href).toEqual(rels.sort())
  expect(page.links.first!.href, href).toBe(`${USERS}?skip=0&limit=${page.limit}`)
  const lastSkip = Math.floor((TOTAL - 1) / page.limit) * page.limit
  expect(page.links.last!.href, href).toBe(`${USERS}?skip=${lastSkip}&limit=${page.limit}`)
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
          expectLinks(page, href)
          for (const move of moves) {
            // expectLinks said whether the page has this link; a move it lacks stays put.
            const link = page.links[move]
            if (!link) continue
            href = link.href
            const from = page
            page = await read(t, href)
            expectWhereItSays(page, ids, `${move}: ${href}`)
            expectLinks(page, `${move}: ${href}`)
            // Only self may lead to an empty page (one asked for past the end).
            if (move !== 'self') expect(page.ids.length, `${move}: ${href}`).toBeGreaterThan(0)
            if (move === 'next') expect(page.skip).toBe(from.skip + from.ids.length)
            // From a page past the end, prev is the last page.
            const lastSkip = Math.floor((TOTAL - 1) / limit) * limit
            if (move === 'prev')
              expect(page.skip).toBe(Math.max(0, Math.min(from.skip - limit, lastSkip)))
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})
