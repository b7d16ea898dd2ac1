import type { Context } from 'hono'
import * as v from 'valibot'
import type { AppEnv } from '../app/types.ts'
import { issueMessage, issuePointer } from '../body/issues.ts'
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/encoding.ts'
import type { CollectionInfo, Links } from '../formats/types.ts'
import { PageQuery } from '../model/collection.ts'
import { ProblemError } from '../problems/problem-error.ts'
import type { Page, PageOf, RowKey } from '../store/page.ts'

/** A page as a request asks for it: the store's `Page`, and the cursor text it came with. */
export interface PageRequest extends Page {
  cursor?: { name: 'after' | 'before'; text: string }
}

const MAX_SKIP = 999_999_999

const badQuery = (errors: { pointer: string; message: string }[]) =>
  new ProblemError('badQuery', 'A paging parameter is invalid. See details.errors.', {
    details: { errors },
  })

/**
 * A cursor: a row's key (its `seq`, the number the database gave it when it was stored) and
 * the position of the page it bounds, opaque to clients (base64url of the two), read back by
 * `readCursor`. `?after=` it names the page after the row, `?before=` the page before it.
 *
 * @example
 * cursorOf(50, 1234) // 'WzUwLDEyMzRd'
 */
export const cursorOf = (skip: number, key: RowKey): string =>
  toBase64Url(utf8(JSON.stringify([Math.min(skip, MAX_SKIP), key])))

const decoder = new TextDecoder('utf-8', { fatal: true })

const isCount = (value: unknown, max = Number.MAX_SAFE_INTEGER): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max

/**
 * What `cursorOf` wrote, or undefined for any other text. A cursor minted before rows were
 * paged by `seq` (migration 0013: `[skip, createdAt, id]`) is such a text: it names a place in
 * an order pages no longer have, so it is refused (the 400 of any bad cursor), never read as
 * a place in this one.
 *
 * @example
 * readCursor(cursorOf(50, 1234)) // { skip: 50, key: 1234 }
 * readCursor('bm9wZQ') // undefined
 */
export const readCursor = (text: string): { skip: number; key: RowKey } | undefined => {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(fromBase64Url(text)))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined
  const [skip, seq] = value as [unknown, unknown]
  return isCount(skip, MAX_SKIP) && isCount(seq) && seq >= 1 ? { skip, key: seq } : undefined
}

/**
 * The page a request asks for: `?skip=&limit=` (Cognigy's names), or `?after=` / `?before=`
 * with the cursor of a `next` / `prev` link. Bad values are a 400 naming the parameter, never
 * a silent default; so is a parameter given twice, and more than one of `skip`, `after` and
 * `before`.
 */
export const readPage = (c: Context<AppEnv>): PageRequest => {
  const query: Record<string, string> = {}
  for (const key of ['skip', 'limit', 'after', 'before'] as const) {
    const value = c.req.query(key)
    if (value === undefined) continue
    if (c.req.queries(key)!.length > 1)
      throw badQuery([{ pointer: `/${key}`, message: 'is given twice; send it once' }])
    query[key] = value
  }
  const result = v.safeParse(PageQuery, query)
  if (!result.success) {
    throw badQuery(
      result.issues.map((i) => ({ pointer: issuePointer(i), message: issueMessage(i) })),
    )
  }
  const { skip, limit, after, before } = result.output
  const named = (['skip', 'after', 'before'] as const).filter((k) => query[k] !== undefined)
  if (named.length > 1)
    throw badQuery([{ pointer: `/${named[1]}`, message: `cannot be combined with ${named[0]}` }])
  const name = named[0]
  if (name === undefined || name === 'skip') return { skip: skip ?? 0, limit }
  const text = (name === 'after' ? after : before)!
  const read = readCursor(text)
  if (!read) throw badQuery([{ pointer: `/${name}`, message: 'must be the cursor of a link' }])
  const cursor = { name, text } as const
  return name === 'after'
    ? { skip: read.skip, limit, after: read.key, cursor }
    : { skip: read.skip, limit, before: read.key, cursor }
}

const at = (path: string, skip: number, limit: number) => ({
  href: `${path}?skip=${skip}&limit=${limit}`,
})

/**
 * self/first/prev/next/last of a page; prev and next only where such a page exists. `next`
 * names the page after this one's last row (`?after=`), `prev` the page before its first row
 * (`?before=`): a client that follows them reads each page as cheaply as the first. `first`
 * and `last` count rows (`?skip=`), as does `prev` from a page past the end, which has no first
 * row. A page read with a cursor takes its position from it. The next page starts where this
 * one's items end, not `limit` further: a page read `?before=` near the start holds fewer.
 *
 * @example
 * pageLinks('/users', { skip: 25, limit: 25 }, { items, total: 60, more: true, earlier: true, start, end })
 * // prev before=<cursor of start, 0 in>, next after=<cursor of end, 50 in>, last skip=50
 */
export const pageLinks = (
  path: string,
  page: PageRequest,
  result: Pick<PageOf<unknown>, 'items' | 'total' | 'more' | 'earlier' | 'start' | 'end'>,
): Links => {
  const { skip, limit } = page
  const { items, total, more, earlier, start, end } = result
  const lastSkip = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit
  const self = page.cursor
    ? { href: `${path}?${page.cursor.name}=${page.cursor.text}&limit=${limit}` }
    : at(path, skip, limit)
  const links: Links = { self, first: at(path, 0, limit) }
  const prevSkip = Math.max(0, skip - limit)
  if (earlier && start !== undefined)
    links.prev = { href: `${path}?before=${cursorOf(prevSkip, start)}&limit=${limit}` }
  else if (start === undefined && skip > 0)
    links.prev = at(path, Math.min(prevSkip, lastSkip), limit)
  if (more && end !== undefined)
    links.next = { href: `${path}?after=${cursorOf(skip + items.length, end)}&limit=${limit}` }
  links.last = at(path, lastSkip, limit)
  return links
}

/**
 * A page's body, its members in `collectionOf`'s order: JSON and HAL then write it as it is,
 * where a body with its members in another order is first copied in full (`isProjection`; a
 * 100-contact page: ~45 µs of CPU).
 *
 * @example
 * respond(c, Contacts, pageBody(await store.contacts.list(page), page), { links, collection })
 */
export const pageBody = <T>(result: PageOf<T>, page: Page) => ({
  items: result.items,
  total: result.total,
  skip: page.skip,
  limit: page.limit,
})

/** HAL `_embedded` description of a page whose items link to `itemPath(item)`. */
export const collectionInfo = (itemPath: (item: never) => string): CollectionInfo => ({
  itemsKey: 'items',
  itemLinks: (item) => ({ self: { href: itemPath(item as never) } }),
})

/**
 * All `respond` needs to answer a page besides its schema: the body (`pageBody`), its links
 * (`pageLinks`), HAL's `_embedded` (`collectionInfo`, each item linking `itemPath(item)`) and
 * the collection's total in `X-Total-Count`.
 *
 * @example
 * const { value, options } = pageAnswer(page, await store.notes.list(page), '/notes', notePath)
 * return respond(c, Notes, value, options)
 */
export const pageAnswer = <T>(
  page: PageRequest,
  result: PageOf<T>,
  path: string,
  itemPath: (item: T) => string,
) => ({
  value: pageBody(result, page),
  options: {
    links: pageLinks(path, page, result),
    collection: collectionInfo(itemPath as (item: never) => string),
    headers: { 'X-Total-Count': String(result.total) },
  },
})
