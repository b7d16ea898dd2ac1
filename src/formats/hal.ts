import { projectOnce } from './json.ts'
import { type Format, isPlain, type Links } from './types.ts'

/**
 * `application/hal+json`: the model plus `_links` (always `self`). A collection page moves its
 * items into `_embedded`, each with its own `self`, and keeps its total and paging links.
 *
 * The bytes are those of `JSON.stringify({ _links, ...body })` (and, for a page,
 * `{ _links, ...rest, _embedded: { items: [{ _links, ...item }] } }`). One resource, and each
 * item of a streamed export, is written by splicing its JSON after its `_links` (`withLinks`)
 * instead of copying it into a new object; a page is one `JSON.stringify` over such copies.
 */
export const hal: Format = {
  key: 'hal',
  mediaTypes: ['application/hal+json'],
  contentType: () => 'application/hal+json; charset=utf-8',
  linksInBody: true,
  problemContentType: 'application/problem+json; charset=utf-8',
  serialize: (schema, value, context) => {
    const body = projectOnce(schema, value, context.maxDepth) as Record<string, unknown>
    if (context.problem) return JSON.stringify(body)
    const collection = context.collection
    if (!collection) return withLinks(context.links, body)
    const source = (value as Record<string, unknown>)[collection.itemsKey] as unknown[]
    const projected = body[collection.itemsKey] as Record<string, unknown>[]
    const { [collection.itemsKey]: _items, ...rest } = body
    // One JSON.stringify over copies that put `_links` first: faster than splicing each item's
    // JSON after its links (as `withLinks` does for one resource) at every page size measured.
    const items = projected.map((item, i) => ({
      _links: collection.itemLinks(source[i]) satisfies Links,
      ...item,
    }))
    return JSON.stringify({
      _links: context.links,
      ...rest,
      _embedded: { [collection.itemsKey]: items },
    })
  },
}

/**
 * `JSON.stringify({ _links: links, ...body })`, without the copy. Also writes the items of a
 * streamed export, so they match the items of a page byte for byte.
 *
 * @example
 * withLinks({ self: { href: '/contacts/c1' } }, { id: 'c1' }) // '{"_links":{"self":{"href":"/contacts/c1"}},"id":"c1"}'
 */
export const withLinks = (links: Links, body: unknown): string => {
  const rest = isPlain(body) && !Object.hasOwn(body, '_links') ? JSON.stringify(body) : ''
  if (!rest.startsWith('{')) return JSON.stringify({ _links: links, ...(body as object) })
  const head = `{"_links":${JSON.stringify(links)}`
  return rest === '{}' ? `${head}}` : `${head},${rest.slice(1)}`
}
