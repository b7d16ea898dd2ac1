import { shapeOf } from '../model/shape.ts'
import { project } from './project.ts'
import type { Format, Links } from './types.ts'

/**
 * `application/hal+json`: the model plus `_links` (always `self`). A collection page moves its
 * items into `_embedded`, each with its own `self`, and keeps its total and paging links.
 */
export const hal: Format = {
  key: 'hal',
  mediaTypes: ['application/hal+json'],
  contentType: () => 'application/hal+json; charset=utf-8',
  problemContentType: 'application/problem+json; charset=utf-8',
  serialize: (schema, value, context) => {
    const body = project(shapeOf(schema), value, context.maxDepth) as Record<string, unknown>
    if (context.problem) return JSON.stringify(body)
    const collection = context.collection
    if (!collection) return JSON.stringify({ _links: context.links, ...body })
    const source = (value as Record<string, unknown>)[collection.itemsKey] as unknown[]
    const projected = body[collection.itemsKey] as Record<string, unknown>[]
    const { [collection.itemsKey]: _items, ...rest } = body
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
