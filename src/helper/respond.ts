import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type * as v from 'valibot'
import type { AppEnv } from '../app/types.ts'
import type { CollectionInfo, Format, Links } from '../formats/types.ts'
import { send } from '../middleware/response-headers.ts'
import { ownLinks } from './own-links.ts'

export interface RespondOptions {
  /**
   * Only for an answer that is not the success (a failure in a response DTO): the success
   * status is the one the endpoint declares (`Endpoint.status`, 200 by default), which is the
   * one OpenAPI and the metadata pages document.
   */
  status?: ContentfulStatusCode
  links: Links
  collection?: CollectionInfo
  headers?: Record<string, string>
}

/**
 * The `Link` header for a format that does not carry links in its body (all but HAL).
 *
 * @example
 * linkHeaders(json, { self: { href: '/x' } }) // { Link: '</x>; rel="self"' }
 */
export const linkHeaders = (format: Format, links: Links): Record<string, string> =>
  format.linksInBody ? {} : { Link: linkHeader(links) }

// Relation types from IANA's registry that a resource here carries or may (RFC 8288 §2.1.1).
const REGISTERED = new Set([
  'self', 'first', 'prev', 'previous', 'next', 'last', 'collection', 'item', 'up', 'index',
  'related', 'alternate', 'canonical', 'describedby', 'edit', 'help', 'search', 'status',
  'service-desc', 'service-doc', 'service-meta',
]) // prettier-ignore
const URI = /^[a-z][a-z\d+.-]*:/i

/**
 * RFC 8288 `Link` header value of a set of links. A relation must be registered or a URI
 * (§2.1), so a link with a name only HAL allows (`createAmazonUser`, `widgetContact`) stays
 * in HAL's `_links`; so does a templated one, whose `{id}` is no URI reference.
 *
 * @example
 * linkHeader({ self: { href: '/u?skip=0' }, getUser: { href: '/u/{id}', templated: true } })
 * // '</u?skip=0>; rel="self"'
 */
export const linkHeader = (links: Links): string =>
  Object.entries(links)
    .filter(([rel, link]) => !link.templated && (REGISTERED.has(rel) || URI.test(rel)))
    .map(([rel, link]) => `<${link.href}>; rel="${rel}"`)
    .join(', ')

/**
 * Whether the request acted, so that asking its URL again would act again: any method but
 * GET and HEAD (which answers as GET does, headers and length alike), and a GET that acts.
 *
 * @example
 * actedOn(c) // true for POST /widget/authenticate-user
 */
export const actedOn = (c: Context<AppEnv>): boolean =>
  (c.req.method !== 'GET' && c.req.method !== 'HEAD') || c.get('acts') === true

// The status of success the routed endpoint declares, which has a body when `respond` sends it.
const successStatus = (c: Context<AppEnv>): ContentfulStatusCode => {
  const endpoint = c.get('endpoint')
  const status = endpoint?.status ?? 200
  if (status === 204) throw new Error(`${endpoint!.name} answers 204 No Content: not a body`)
  return status
}

/**
 * Sends a model value in the negotiated format. Handlers call this with a schema and a value;
 * they never see a format. HAL carries the links in `_links`; the other formats in a `Link`
 * header. Handlers give canonical links: those to this same representation name the format
 * where the request's URL did (`ownLinks`); headers, `Location` among them, are sent as given.
 * The status is the endpoint's declared one (`Endpoint.status`, 200 when it declares none).
 *
 * @example
 * // On an endpoint that declares `status: 201`:
 * return respond(c, AmazonUser, user, { links: { self: { href } }, headers: { Location: href } })
 */
export const respond = (
  c: Context<AppEnv>,
  schema: v.GenericSchema,
  value: unknown,
  options: RespondOptions,
): Response => {
  const negotiated = c.get('negotiated')!
  const { format, mediaType } = negotiated
  const links = ownLinks(negotiated, options.links)
  const self = options.links.self?.href
  const body = (format.serializeBody ?? format.serialize)(schema, value, {
    mediaType,
    links,
    ...(links !== options.links && self !== undefined ? { canonical: self } : {}),
    ...(actedOn(c) ? { acted: true } : {}),
    maxDepth: c.get('limits').maxDepth,
    ...(options.collection ? { collection: options.collection } : {}),
  })
  const headers: Record<string, string> = {
    ...options.headers,
    'Content-Type': format.contentType(mediaType),
    ...linkHeaders(format, links),
  }
  return send(c, body, options.status ?? successStatus(c), headers)
}
