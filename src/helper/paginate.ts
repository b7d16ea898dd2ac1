import type { Context } from 'hono'
import * as v from 'valibot'
import type { AppEnv } from '../app/types.ts'
import { issueMessage, issuePointer } from '../body/read-body.ts'
import type { CollectionInfo, Links } from '../formats/types.ts'
import { PageQuery } from '../model/collection.ts'
import { ProblemError } from '../problems/problem-error.ts'

/**
 * The page a request asks for (`?skip=&limit=`, Cognigy's names); bad values are a 400 naming
 * the parameter, never a silent default.
 */
export const readPage = (c: Context<AppEnv>): PageQuery => {
  const query: Record<string, string> = {}
  for (const key of ['skip', 'limit'] as const) {
    const value = c.req.query(key)
    if (value !== undefined) query[key] = value
  }
  const result = v.safeParse(PageQuery, query)
  if (!result.success) {
    throw new ProblemError('badQuery', 'A paging parameter is invalid. See details.errors.', {
      details: {
        errors: result.issues.map((i) => ({ pointer: issuePointer(i), message: issueMessage(i) })),
      },
    })
  }
  return result.output
}

const at = (path: string, skip: number, limit: number) => ({
  href: `${path}?skip=${skip}&limit=${limit}`,
})

/**
 * self/first/prev/next/last of a page; prev and next only where such a page exists.
 *
 * @example
 * pageLinks('/v2.0/external/alexa/users', { skip: 25, limit: 25 }, 60) // prev skip=0, next skip=50, last skip=50
 */
export const pageLinks = (path: string, page: PageQuery, total: number): Links => {
  const { skip, limit } = page
  const lastSkip = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit
  const links: Links = { self: at(path, skip, limit), first: at(path, 0, limit) }
  if (skip > 0) links.prev = at(path, Math.max(0, Math.min(skip - limit, lastSkip)), limit)
  if (skip + limit < total) links.next = at(path, skip + limit, limit)
  links.last = at(path, lastSkip, limit)
  return links
}

/** HAL `_embedded` description of a page whose items link to `itemPath(item)`. */
export const collectionInfo = (itemPath: (item: never) => string): CollectionInfo => ({
  itemsKey: 'items',
  itemLinks: (item) => ({ self: { href: itemPath(item as never) } }),
})
