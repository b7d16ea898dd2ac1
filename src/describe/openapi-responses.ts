import type { Limits } from '../app/types.ts'
import { formatOfMediaType } from '../formats/registry.ts'
import { catalogue, type ProblemKind } from '../problems/catalogue.ts'
import { responseBody, responseSample } from './bodies.ts'
import { COMPONENTS, dereferenced, type JsonSchema, type SchemaSet } from './json-schemas.ts'
import type { Operation } from './operations.ts'
import { problemMediaTypesOf } from './problem-media.ts'
import { problemBody, problemMediaTypes, problemSample } from './problem-samples.ts'

type Json = Record<string, unknown>

/**
 * JSON media types carry their example as a value, the others as the exact text; a format
 * marked `noExample` (browser pages) gets none.
 *
 * @example
 * exampleOf('application/hal+json', '{"_links":{}}') // { _links: {} }
 * exampleOf('text/csv', 'a\r\n1\r\n') // 'a\r\n1\r\n'
 */
export const exampleOf = (mediaType: string, body: string): unknown =>
  formatOfMediaType(mediaType)?.noExample
    ? undefined
    : /[/+]json$/.test(mediaType)
      ? JSON.parse(body)
      : body

const header = (name: string) => ({ $ref: `#/components/headers/${name}` })

/** A browser page's schema: text, not the model's structure (which its JSON has). */
const PAGE: JsonSchema = { type: 'string' }

const isPage = (mediaType: string) => formatOfMediaType(mediaType)?.noExample === true

/** Response headers the gateway sets, shared by reference. */
export const HEADERS: Json = {
  'X-Trace-Id': {
    description: 'The trace id of this request, also in every problem body.',
    schema: { type: 'string' },
  },
  Link: {
    description:
      "RFC 8288 links of the resource under registered relations (self, first, prev, next, last, collection; the index's service-desc and service-doc); HAL's `_links` has these and the links named for operations.",
    schema: { type: 'string' },
  },
  Location: { description: 'The created resource.', schema: { type: 'string' } },
  'X-Total-Count': { description: 'Items in the whole collection.', schema: { type: 'integer' } },
  'WWW-Authenticate': { description: 'The credentials to send.', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  'Content-Disposition': {
    description: 'An attachment: the file name to save the body under, with the day and format.',
    schema: { type: 'string' },
  },
}

/** HAL's `_links`, and `_embedded` items for a collection, around the model. */
const halSchema = (model: JsonSchema, set: SchemaSet, collection: boolean): JsonSchema => {
  const links: JsonSchema = {
    type: 'object',
    additionalProperties: { $ref: `${COMPONENTS}HalLink` },
  }
  const target = dereferenced(model, set)
  if (!collection || !target?.properties) {
    return {
      allOf: [model, { type: 'object', properties: { _links: links }, required: ['_links'] }],
    }
  }
  const { items, ...rest } = target.properties
  return {
    type: 'object',
    properties: {
      _links: links,
      ...rest,
      _embedded: { type: 'object', properties: { items: items! } },
    },
    required: ['_links', '_embedded'],
  }
}

/**
 * The schema of the operation's response DTO as one media type carries it: the model, with
 * HAL's `_links` (and `_embedded`) where the format writes links into the body — a failure
 * in the DTO too —, or a page's text.
 */
const schemaIn = (mediaType: string, op: Operation, set: SchemaSet): JsonSchema => {
  if (isPage(mediaType)) return PAGE
  const model = set.of(op.endpoint.response!)
  return formatOfMediaType(mediaType)?.linksInBody ? halSchema(model, set, op.collection) : model
}

/**
 * The success response: the model in every media type, each with a sample by its format.
 *
 * @example
 * successResponse(describeEndpoint(getAmazonUser), set).content['text/csv'].example
 */
export const successResponse = (op: Operation, set: SchemaSet): Json => {
  const { endpoint } = op
  const headers: Json = { 'X-Trace-Id': header('X-Trace-Id') }
  if (op.status === 201) headers.Location = header('Location')
  if (!endpoint.response) return { description: endpoint.title, headers }
  headers.Link = header('Link')
  if (op.paged) headers['X-Total-Count'] = header('X-Total-Count')
  if (endpoint.download) headers['Content-Disposition'] = header('Content-Disposition')
  const value = responseSample(op, set)
  const content: Json = {}
  for (const mediaType of op.mediaTypes) {
    const sample = responseBody(op, endpoint.response, value, mediaType)
    if (!sample) continue
    const schema = schemaIn(mediaType, op, set)
    const example = exampleOf(mediaType, sample.body)
    content[mediaType] = example === undefined ? { schema } : { schema, example }
  }
  return { description: endpoint.title, headers, content }
}

/**
 * ServiceStack-style failures: the same DTO with `OpCode` ≠ 0 and `ErrorText`, for every
 * failure of the request the operation reads (its values, its body's size, type and syntax,
 * and the operation's own refusals); a 429 says when to retry.
 *
 * @example
 * responses['4XX'] = failureResponse(op, set)
 * responses['502'] = failureResponse(op, set, 'The code could not be delivered.')
 */
export const failureResponse = (
  op: Operation,
  set: SchemaSet,
  description = 'A failure of the request or the operation (a body over the size limit, of a ' +
    'type the gateway cannot read or unreadable included): the response DTO with OpCode ≠ 0 ' +
    'and ErrorText.',
): Json => {
  const content = Object.fromEntries(
    op.mediaTypes.map((type) => [type, { schema: schemaIn(type, op, set) }]),
  )
  return {
    description,
    headers: {
      'X-Trace-Id': header('X-Trace-Id'),
      // The DTO is the operation's own resource, failed or not: it links itself as a success does.
      Link: header('Link'),
      'Retry-After': {
        description: 'With a 429 that can be retried, or a 503: seconds to wait before retrying.',
        schema: { type: 'integer' },
      },
    },
    content,
  }
}

const exampleName = (kind: string, mediaType: string) =>
  `${kind}.${mediaType.split('/')[1]!.replace(/\W/g, '-')}`

/** `components.examples`, filled as the operations' problem responses name them. */
export interface ExampleBook {
  /** The examples by name. */
  examples: Json
  /** A `$ref` to `example` under `name`, or, when `name` holds another, `prefix.name`. */
  ref(name: string, prefix: string, example: Json): Json
}

/**
 * A book of shared examples: the same example is written once and referenced by every
 * operation that answers it; one that differs for an operation (its own validation errors)
 * is written under that operation's name.
 *
 * @example
 * const book = exampleBook()
 * book.ref('notFound.problem-json', 'getAmazonUser', { summary: 'Not Found', value })
 */
export const exampleBook = (): ExampleBook => {
  const examples: Json = {}
  const texts = new Map<string, string>()
  return {
    examples,
    ref(name, prefix, example) {
      const text = JSON.stringify(example)
      const key =
        texts.get(name) === undefined || texts.get(name) === text ? name : `${prefix}.${name}`
      texts.set(key, text)
      examples[key] = example
      return { $ref: `#/components/examples/${key}` }
    },
  }
}

export interface ProblemResponseOptions {
  /** The body types a 415 lists. */
  bodyTypes: readonly string[]
  /** The limits the gateway enforces, which a 413 and a 431 name. */
  limits?: Limits
}

/**
 * The problem responses of an operation, one per status, each in the media types its kinds
 * are really written in (`problemMediaTypesOf`: a 431 only as problem+json), with every kind
 * of that status as a named example (shared in `components.examples` through `book`).
 *
 * @example
 * problemResponses(op, set.of(Problem), book, { bodyTypes })['401'].description
 * // 'Unauthorized (1010)'
 */
export const problemResponses = (
  op: Operation,
  problem: JsonSchema,
  book: ExampleBook,
  options: ProblemResponseOptions,
): Json => {
  const byStatus = new Map<number, ProblemKind[]>()
  for (const kind of op.problems) {
    const status = catalogue[kind].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind])
  }
  const out: Json = {}
  for (const [status, kinds] of byStatus) {
    const headers: Json = { 'X-Trace-Id': header('X-Trace-Id') }
    if (status === 401) headers['WWW-Authenticate'] = header('WWW-Authenticate')
    if (status === 429 || status === 503) headers['Retry-After'] = header('Retry-After')
    const content: Json = {}
    for (const [mediaType, format] of problemMediaTypes()) {
      const here = kinds.filter((k) => problemMediaTypesOf(k, op).includes(mediaType))
      if (here.length === 0) continue
      if (format.noExample) {
        content[mediaType] = { schema: PAGE }
        continue
      }
      const examples = here.map((kind) => {
        const sample = problemSample(kind, '/requested/path', { ...options, op })
        const { body } = problemBody(sample, mediaType, format)
        const example = { summary: sample.title, value: exampleOf(mediaType, body) }
        return [kind, book.ref(exampleName(kind, mediaType), op.endpoint.name, example)]
      })
      content[mediaType] = { schema: problem, examples: Object.fromEntries(examples) }
    }
    const description = kinds.map((k) => `${catalogue[k].title} (${catalogue[k].code})`).join('; ')
    out[String(status)] = { description, headers, content }
  }
  return out
}
