import type * as v from 'valibot'
import { formBody } from '../formats/form-parse.ts'
import { formatOfMediaType } from '../formats/registry.ts'
import type { CollectionInfo, Links, SerializeContext } from '../formats/types.ts'
import { inputView } from './input-view.ts'
import type { SchemaSet } from './json-schemas.ts'
import type { Operation } from './operations.ts'
import { sampleOf } from './samples.ts'

const MAX_DEPTH = 32
const FORM = 'application/x-www-form-urlencoded'

/** One sample body, written by the format that serves or reads its media type. */
export interface SampleBody {
  mediaType: string
  /** The Content-Type header as the gateway sends it (with its parameters). */
  contentType: string
  body: string
}

type Row = Record<string, unknown>

/** A sample item's own path: the collection's, plus the item's first id-like member. */
const itemPath = (collection: string, item: unknown): string => {
  const row = (item ?? {}) as Row
  const keys = Object.keys(row).filter((k) => typeof row[k] === 'string')
  const key = keys.find((k) => /^_?id$|slug|name/i.test(k)) ?? keys[0]
  return `${collection}/${encodeURIComponent(String(key === undefined ? 'string' : row[key]))}`
}

/**
 * The links a response of this operation carries, for the sample value. A 201's `self` is
 * the created resource's own URL (its `Location`), not the collection it was posted to.
 */
const sampleLinks = (op: Operation, value: unknown): Links => {
  if (op.status === 201) return { self: { href: itemPath(op.template, value) } }
  if (!op.paged) return { self: { href: op.template } }
  // The sample page is the only page: first and last are itself.
  const page = { href: `${op.template}?skip=0&limit=25` }
  return { self: page, first: page, last: page }
}

/**
 * The sample value of an operation's response: the schema's sample, with a collection's page
 * members agreeing with its one item.
 *
 * @example
 * responseSample(describeEndpoint(listAmazonUsers), set) // { items: [{ _id: 'string', … }], total: 1, skip: 0, limit: 25 }
 */
export const responseSample = (op: Operation, set: SchemaSet): unknown => {
  const sample = sampleOf(set.of(op.endpoint.response!), set.components)
  if (!op.collection || typeof sample !== 'object' || sample === null) return sample
  const page = sample as Row
  const items = Array.isArray(page.items) ? page.items : []
  return op.paged
    ? { ...page, total: items.length, skip: 0, limit: 25 }
    : { ...page, total: items.length }
}

const contextOf = (op: Operation, value: unknown, mediaType: string): SerializeContext => {
  const collection: CollectionInfo | undefined = op.collection
    ? {
        itemsKey: 'items',
        itemLinks: (item) => ({
          self: { href: itemPath(op.endpoint.itemsAt ?? op.template, item) },
        }),
      }
    : undefined
  return {
    mediaType,
    links: sampleLinks(op, value),
    maxDepth: MAX_DEPTH,
    ...(collection ? { collection } : {}),
  }
}

/**
 * The response body of `value` in one media type, by the format the gateway would use.
 *
 * @example
 * responseBody(op, AmazonUser, user, 'text/csv') // { mediaType: 'text/csv', contentType: 'text/csv; …', body: '_id,…\r\n…' }
 */
export const responseBody = (
  op: Operation,
  schema: v.GenericSchema,
  value: unknown,
  mediaType: string,
): SampleBody | undefined => {
  const format = formatOfMediaType(mediaType)
  if (!format) return undefined
  const body = format.serialize(schema, value, contextOf(op, value, mediaType))
  return { mediaType, contentType: format.contentType(mediaType), body }
}

/**
 * A request body of `value` in one of the accepted body types. Written through the schema's
 * input view, so write-only members (which a request does carry) are in it.
 *
 * @example
 * requestBody(CreateAmazonUser, { accessToken: 'a', refreshToken: 'r' }, 'text/csv')
 * // { body: 'accessToken,refreshToken\r\na,r\r\n', … }
 */
export const requestBody = (
  schema: v.GenericSchema,
  value: unknown,
  mediaType: string,
): SampleBody | undefined => {
  const view = inputView(schema)
  if (mediaType === FORM)
    return { mediaType, contentType: FORM, body: formBody(view, value, MAX_DEPTH) }
  const format = formatOfMediaType(mediaType)
  if (!format) return undefined
  const context = { mediaType, links: {}, maxDepth: MAX_DEPTH }
  return { mediaType, contentType: mediaType, body: format.serialize(view, value, context) }
}
