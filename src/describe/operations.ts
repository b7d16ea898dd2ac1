import type * as v from 'valibot'
import type { Endpoint } from '../app/types.ts'
import { carriesBody } from '../body/carries-body.ts'
import { mediaTypes } from '../formats/registry.ts'
import { resolve, shapeOf } from '../model/shape.ts'
import { type SecurityScheme, securityOf } from '../middleware/security-scheme.ts'
import { catalogue, type ProblemKind } from '../problems/catalogue.ts'

/** What the docs need to know of an endpoint, derived once from its declaration. */
export interface Operation {
  endpoint: Endpoint
  /** The path as a URI template: `/v2.0/external/alexa/users/{id}`. */
  template: string
  /** The same route under other base paths (`/new/v2.0/…`), as templates. */
  aliases: string[]
  pathParams: string[]
  /** Where the request DTO travels: a body (POST) or the query string (GET, ServiceStack). */
  requestIn: 'body' | 'query' | undefined
  status: 200 | 201 | 204
  /** The credentials its middleware demands (`securityOf`), if any. */
  security: SecurityScheme | undefined
  /** The response is a collection: `items` plus a total (HAL embeds the items). */
  collection: boolean
  /** …and a page of it (`collectionOf`: `skip`, `limit`, page links, `X-Total-Count`). */
  paged: boolean
  /** Client failures come back in the response DTO (`OpCode`, `ErrorText`), not as problems. */
  failuresInResponse: boolean
  /** The problems this operation can answer, in catalogue order. */
  problems: ProblemKind[]
  /** The media types it answers in: every format's, or those of `Endpoint.formats`. */
  mediaTypes: string[]
}

/**
 * The members of an object schema, in declaration order; none for any other schema.
 *
 * @example
 * fieldsOf(PageQuery).map((f) => f.key) // ['limit', 'skip', 'after', 'before']
 */
export const fieldsOf = (schema: v.GenericSchema | undefined) => {
  if (!schema) return []
  const s = resolve(shapeOf(schema))
  return s.kind === 'object' ? s.fields : []
}

/**
 * `collectionOf`'s convention: an `items` array and a `total`.
 *
 * @example
 * isCollection(AmazonUsers) // true
 */
export const isCollection = (schema: v.GenericSchema | undefined): boolean => {
  const fields = fieldsOf(schema)
  const items = fields.find((f) => f.key === 'items')
  return !!items && resolve(items.shape).kind === 'array' && fields.some((f) => f.key === 'total')
}

/**
 * `collectionOf`'s page: a collection with `skip` and `limit` (an export is the whole of it).
 *
 * @example
 * isPage(AmazonUsers) // true
 */
export const isPage = (schema: v.GenericSchema | undefined): boolean => {
  const keys = new Set(fieldsOf(schema).map((f) => f.key))
  return isCollection(schema) && keys.has('skip') && keys.has('limit')
}

// ServiceStack's BaseResponse: a DTO with these members reports its own failures (SPEC §4).
const carriesFailures = (schema: v.GenericSchema | undefined): boolean => {
  const keys = new Set(fieldsOf(schema).map((f) => f.key))
  return keys.has('OpCode') && keys.has('ErrorText')
}

// What an operation that carries its failures answers in its DTO (`failureReply`): everything
// about the request it reads, its body's size included (`Endpoint.limitsBody`), a browser's
// cross-site request (`refuseInDto`), a 503 (storage unavailable or not migrated) and a 500
// (`reply`).
const DTO_FAILURES = new Set<string>([
  'validation',
  'crossSiteRequest',
  'malformedBody',
  'badQuery',
  'notFound',
  'payloadTooLarge',
  'unsupportedMediaType',
  'serviceUnavailable',
  'internal',
])

const problemsOf = (op: Omit<Operation, 'problems'>): ProblemKind[] => {
  const { requestIn, security } = op
  const kinds = new Set<string>(['notAcceptable', 'unknownFormat', 'headerTooLarge'])
  if (requestIn === 'body')
    ['validation', 'malformedBody', 'unsupportedMediaType'].forEach((k) => kinds.add(k))
  // The size limit guards every body, read or not (a DELETE's too).
  if (carriesBody(op.endpoint.method)) kinds.add('payloadTooLarge')
  if (requestIn === 'query') ['validation', 'badQuery'].forEach((k) => kinds.add(k))
  if (op.endpoint.query) kinds.add('badQuery')
  if (security) kinds.add('unauthorized')
  // Contact tokens are signed: a wrong one is not a guess the failure budget must stop.
  if (security && security !== 'contactToken') kinds.add('tooManyRequests')
  if (op.pathParams.length > 0) kinds.add('notFound')
  // Only a route that uses the database can find it unavailable or not migrated.
  if (op.endpoint.store !== false) kinds.add('serviceUnavailable')
  for (const kind of op.endpoint.problems ?? []) kinds.add(kind)
  kinds.add('internal')
  const all = Object.keys(catalogue) as ProblemKind[]
  return all.filter((k) => kinds.has(k) && !(op.failuresInResponse && DTO_FAILURES.has(k)))
}

/**
 * Hono's `/users/:id` as the URI template `/users/{id}`.
 *
 * @example
 * uriTemplate('/v2.0/external/alexa/users/:id') // '/v2.0/external/alexa/users/{id}'
 */
export const uriTemplate = (path: string): string => path.replace(/:(\w+)/g, '{$1}')

/**
 * Describes an endpoint for OpenAPI and the metadata pages: its templates, parameters, success
 * status and the problems it can answer, all derived from its declaration (schemas, method,
 * path, `status`, `store`) and the credentials its middleware checks, so a new endpoint is
 * documented with no extra work.
 *
 * @example
 * describeEndpoint(getAmazonUser, aliases).problems
 * // ['unauthorized', 'notFound', 'notAcceptable', 'unknownFormat', …]
 */
export const describeEndpoint = (
  endpoint: Endpoint,
  aliasesOf: (path: string) => string[] = (path) => [path],
): Operation => {
  const requestIn = endpoint.request ? (endpoint.method === 'POST' ? 'body' : 'query') : undefined
  const base = {
    endpoint,
    template: uriTemplate(endpoint.path),
    aliases: aliasesOf(endpoint.path).slice(1).map(uriTemplate),
    pathParams: [...endpoint.path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
    requestIn,
    status: endpoint.status ?? (endpoint.response ? 200 : 204),
    security: securityOf(endpoint),
    collection: isCollection(endpoint.response),
    paged: isPage(endpoint.response),
    failuresInResponse: carriesFailures(endpoint.response),
    mediaTypes: mediaTypes(endpoint.formats),
  } satisfies Omit<Operation, 'problems'>
  return { ...base, problems: problemsOf(base) }
}
