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

/** Query parameters of a page; bad values are a 400, not a silent default. */
export const PageQuery = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, 'must be a whole number'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(100),
    ),
    '25',
  ),
  skip: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'must be a whole number'), v.transform(Number)),
    '0',
  ),
  /** The cursor of a `next` link: the page that follows the row it was made at. */
  after: v.optional(
    v.pipe(v.string(), v.regex(/^[\w-]{1,8192}$/, 'must be the cursor of a next link')),
  ),
})

export type PageQuery = v.InferOutput<typeof PageQuery>
