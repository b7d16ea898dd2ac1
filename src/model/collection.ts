import * as v from 'valibot'
import { named } from './meta.ts'

const count = () => v.pipe(v.number(), v.integer())

/**
 * A page of a collection: `{ items, total, skip, limit }`. Named for XML's root element
 * (`AmazonUsers`) and OpenAPI.
 *
 * @example
 * const AmazonUsers = collectionOf('AmazonUsers', AmazonUser)
 */
export const collectionOf = <TItem extends v.GenericSchema>(name: string, item: TItem) =>
  named(name, v.object({ items: v.array(item), total: count(), skip: count(), limit: count() }))

/**
 * A whole collection in one document, as an export streams it: `{ items, total }`, no page.
 *
 * @example
 * const ContactExport = wholeCollectionOf('ContactExport', Contact)
 */
export const wholeCollectionOf = <TItem extends v.GenericSchema>(name: string, item: TItem) =>
  named(name, v.object({ items: v.array(item), total: count() }))

/** A cursor of a link, read by key; one of `skip`, `after` and `before` at most. */
const cursor = (description: string) =>
  v.pipe(
    v.string(),
    v.description(`${description} Read by key. Not with skip, after or before.`),
    v.regex(/^[\w-]{1,8192}$/, 'must be the cursor of a link'),
  )

/**
 * Query parameters of a page; bad values are a 400, not a silent default. A number in a query
 * is text: each pattern is exactly the numbers accepted, so OpenAPI's pattern is the rule.
 */
export const PageQuery = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.description('Items on the page: a whole number from 1 to 100 (default 25).'),
      v.regex(/^0*(?:[1-9]\d?|100)$/, 'must be a whole number from 1 to 100'),
      v.transform(Number),
    ),
    '25',
  ),
  skip: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Items before the page: a whole number from 0 to 999999999 (default 0). Deep in a collection, the cursors of next and prev links are cheaper.',
      ),
      v.regex(/^\d{1,9}$/, 'must be a whole number from 0 to 999999999'),
      v.transform(Number),
    ),
    // No default in the schema (`readPage` takes 0): OpenAPI would show one, and Swagger UI
    // fills it in and sends it beside a cursor, which may not be combined with it.
  ),
  after: v.optional(cursor('The cursor of a next link: the page after the row it was made at.')),
  before: v.optional(cursor('The cursor of a prev link: the page before the row it was made at.')),
})

export type PageQuery = v.InferOutput<typeof PageQuery>
