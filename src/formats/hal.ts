import { projectOnce } from './json.ts'
import { type Format, isPlain, type Links, rootDepth } from './types.ts'

/**
 * `application/hal+json`: the model plus `_links` (always `self`). A collection page moves its
 * items into `_embedded`, each with its own `self`, and keeps its total and paging links.
 *
 * `_links` follows a resource's own members, and `_embedded` comes last (as Spring HATEOAS
 * writes them): the bytes are those of `JSON.stringify({ ...body, _links })`, and for a page
 * `{ ...rest, _links, _embedded: { items: [{ ...item, _links }] } }`. That order is also the
 * cheap one: a copy that ends with `_links` is a spread clone plus one member, where a copy
 * that starts with it is built member by member (a 100-item page of contacts costs ~10 µs
 * less). One resource, and each item of a streamed export, is written without a copy: its
 * links are spliced into its JSON (`withLinks`).
 */
export const hal: Format = {
  key: 'hal',
  extension: 'hal.json',
  mediaTypes: ['application/hal+json'],
  contentType: () => 'application/hal+json; charset=utf-8',
  linksInBody: true,
  problemContentType: 'application/problem+json; charset=utf-8',
  serialize: (schema, value, context) => {
    const depth = rootDepth(context)
    const body = projectOnce(schema, value, context.maxDepth, depth) as Record<string, unknown>
    if (context.problem) return JSON.stringify(body)
    const collection = context.collection
    if (!collection) return withLinks(context.links, body)
    const source = (value as Record<string, unknown>)[collection.itemsKey] as unknown[]
    const projected = body[collection.itemsKey] as Record<string, unknown>[]
    const { [collection.itemsKey]: _items, ...rest } = body
    // The projection's items are the caller's own unless `projectOnce` made a copy.
    const copied = body !== value
    const items = projected.map((item, i) => {
      const copy = copied && isPlain(item) ? item : { ...item }
      copy._links = collection.itemLinks(source[i]) satisfies Links
      return copy
    })
    return JSON.stringify({
      ...rest,
      _links: context.links,
      _embedded: { [collection.itemsKey]: items },
    })
  },
}

/**
 * `JSON.stringify({ ...body, _links: links })`, without the copy. Also writes the items of a
 * streamed export, so they match the items of a page byte for byte.
 *
 * @example
 * withLinks({ self: { href: '/contacts/c1' } }, { id: 'c1' }) // '{"id":"c1","_links":{"self":{"href":"/contacts/c1"}}}'
 */
export const withLinks = (links: Links, body: unknown): string => {
  const own = isPlain(body) && !Object.hasOwn(body, '_links') ? JSON.stringify(body) : ''
  if (!own.startsWith('{')) return JSON.stringify({ ...(body as object), _links: links })
  const tail = `"_links":${JSON.stringify(links)}}`
  return own === '{}' ? `{${tail}` : `${own.slice(0, -1)},${tail}`
}
