import type * as v from 'valibot'
import type { Endpoint, Limits } from '../app/types.ts'
import { formats } from '../formats/registry.ts'
import type { SecurityScheme } from '../middleware/security-scheme.ts'
import { Problem } from '../model/problem.ts'
import { catalogue } from '../problems/catalogue.ts'
import { requestBody } from './bodies.ts'
import { dereferenced, type JsonSchema, type SchemaSet, schemaSet } from './json-schemas.ts'
import {
  type ExampleBook,
  exampleBook,
  exampleOf,
  failureResponse,
  HEADERS,
  problemResponses,
  successResponse,
} from './openapi-responses.ts'
import { describeEndpoint, type Operation } from './operations.ts'
import { sampleOf } from './samples.ts'

type Json = Record<string, unknown>

export interface OpenApiOptions {
  /** Every path a route answers on, itself first (`/v2.0/…`, `/new/v2.0/…`). */
  aliasesOf?: (path: string) => string[]
  /** The request body media types the gateway reads, in the order it lists them. */
  requestTypes: readonly string[]
  /** The limits the gateway enforces (its 413 and 431 name them); the defaults without. */
  limits?: Limits
  version?: string
}

/** The credentials an endpoint's middleware can demand (`securityOf`). */
export const SECURITY_SCHEMES: Record<SecurityScheme, Json> = {
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Cognigy API key.' },
  orgToken: { type: 'http', scheme: 'bearer', description: 'open.cx organisation token.' },
  contactToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Contact token from POST /widget/authenticate-user.',
  },
}

// An operation that answers its failures in its DTO answers a 503 there too (`reply`).
const UNAVAILABLE_IN_DTO =
  'Storage is unavailable, or the database lacks the latest migration (OpCode 1090): the ' +
  'response DTO with ErrorText; retry after Retry-After.'

const INTERNAL_IN_DTO =
  'An unexpected error (OpCode 1099): the response DTO, its ErrorText naming the trace id ' +
  'under which the cause is logged; nothing of the cause is shown.'

const FORMAT_PARAMETER = {
  name: 'format',
  in: 'query',
  required: false,
  description:
    'Chooses the representation over Accept; a path suffix (`.csv`) does the same, and for a ServiceStack-style operation `/{format}/reply/{Operation}` too. Its name and value are read in any letter case (`?Format=CSV`).',
  schema: { type: 'string', enum: formats.map((f) => f.key) },
}

/** `?format=`: shared, or, for an endpoint that serves only some formats, those. */
const formatParameter = (endpoint: Endpoint): Json => {
  if (!endpoint.formats) return { $ref: '#/components/parameters/format' }
  const keys = formats.filter((f) => endpoint.formats!.includes(f.key)).map((f) => f.key)
  return { ...FORMAT_PARAMETER, schema: { type: 'string', enum: keys } }
}

/** Query parameters: the members of a query schema (or of a GET's request DTO). */
const queryParameters = (schema: v.GenericSchema | undefined, set: SchemaSet): Json[] => {
  if (!schema) return []
  const json = dereferenced(set.of(schema), set)
  return Object.entries(json?.properties ?? {}).map(([name, property]) => {
    // A member's `v.description` says what the parameter is for: the parameter's own field.
    const { description, ...schema } = property as JsonSchema
    return {
      name,
      in: 'query',
      required: json?.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema,
    }
  })
}

const requestBodyOf = (op: Operation, set: SchemaSet, types: readonly string[]): Json => {
  const request = op.endpoint.request!
  const schema = set.of(request)
  const value = sampleOf(schema, set.components)
  const content: Json = {}
  for (const mediaType of types) {
    const sample = requestBody(request, value, mediaType)
    const example = mediaType.includes('urlencoded')
      ? value
      : sample && exampleOf(mediaType, sample.body)
    const encoding = mediaType.includes('urlencoded') ? formEncoding(schema, set) : undefined
    content[mediaType] = {
      schema,
      ...(example === undefined ? {} : { example }),
      ...(encoding ? { encoding } : {}),
    }
  }
  return { required: !op.endpoint.emptyBody, content }
}

/**
 * How a form carries the members that are no scalar: one field of JSON text each
 * (`customData={"k":"v"}`), which the form reader takes, where OpenAPI's default (`style:
 * form`, exploded) would spread an object's keys as fields of their own and lose its name.
 * The reader also takes dotted names (`customData.k=v`), which OpenAPI cannot describe.
 */
const formEncoding = (schema: JsonSchema, set: SchemaSet): Json | undefined => {
  const json = dereferenced(schema, set)
  const structured = Object.entries(json?.properties ?? {}).filter(([, property]) => {
    const p = dereferenced(property as JsonSchema, set)
    const types = [p?.type].flat()
    return types.includes('object') || types.includes('array') || p?.properties !== undefined
  })
  if (structured.length === 0) return undefined
  return Object.fromEntries(structured.map(([name]) => [name, { contentType: 'application/json' }]))
}

const operationOf = (
  op: Operation,
  set: SchemaSet,
  book: ExampleBook,
  options: OpenApiOptions,
): Json => {
  const { endpoint } = op
  const parameters = [
    ...op.pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...queryParameters(op.requestIn === 'query' ? endpoint.request : undefined, set),
    ...queryParameters(endpoint.query, set),
    formatParameter(endpoint),
  ]
  const responses: Json = { [String(op.status)]: successResponse(op, set) }
  if (op.failuresInResponse) responses['4XX'] = failureResponse(op, set)
  // A refusal it declares (`Endpoint.problems`) comes in the DTO too, under its own status.
  for (const kind of op.failuresInResponse ? (endpoint.problems ?? []) : []) {
    const { code, status, title, description } = catalogue[kind]
    const text = `${title} (OpCode ${code}), answered in the response DTO with ErrorText: ${description}`
    responses[String(status)] = failureResponse(op, set, text)
  }
  if (op.failuresInResponse && endpoint.upstreamFailure)
    responses['502'] = failureResponse(op, set, endpoint.upstreamFailure)
  if (op.failuresInResponse) responses['503'] = failureResponse(op, set, UNAVAILABLE_IN_DTO)
  if (op.failuresInResponse) responses['500'] = failureResponse(op, set, INTERNAL_IN_DTO)
  Object.assign(
    responses,
    problemResponses(op, set.of(Problem), book, {
      bodyTypes: options.requestTypes,
      ...(options.limits ? { limits: options.limits } : {}),
    }),
  )
  return {
    operationId: endpoint.name,
    summary: endpoint.title,
    ...(op.aliases.length ? { description: `Also served at ${op.aliases.join(', ')}.` } : {}),
    parameters,
    ...(op.requestIn === 'body'
      ? { requestBody: requestBodyOf(op, set, options.requestTypes) }
      : {}),
    responses,
    ...(op.security ? { security: [{ [op.security]: [] }] } : {}),
  }
}

/** Other base paths of a route as path-level servers (`/new` for `/new/v2.0/…`). */
const serversOf = (op: Operation): Json[] | undefined => {
  const bases = op.aliases
    .filter((alias) => alias.endsWith(op.template))
    .map((alias) => alias.slice(0, alias.length - op.template.length))
  return bases.length ? [{ url: '/' }, ...bases.map((url) => ({ url }))] : undefined
}

/**
 * The OpenAPI 3.1 document of the endpoints, generated from their valibot schemas: every
 * operation with its parameters, its request body in every body type the gateway reads, its
 * success response in every media type the registry serves, each with an example written by the
 * real serializer from a deterministic sample, its problem responses, and its security. Pure:
 * the same endpoints give the same document.
 *
 * @example
 * openApiDocument(endpoints, { requestTypes: Object.keys(bodyParsers) }).paths['/healthz'].get
 */
export const openApiDocument = (endpoints: readonly Endpoint[], options: OpenApiOptions): Json => {
  const ops = endpoints.map((e) => describeEndpoint(e, options.aliasesOf))
  const roots = endpoints.flatMap((e) => [e.request, e.response, e.query])
  const set = schemaSet([Problem, ...roots.filter((s): s is v.GenericSchema => s !== undefined)])
  const paths: Record<string, Json> = {}
  const book = exampleBook()
  for (const op of ops) {
    const item = (paths[op.template] ??= {})
    const servers = serversOf(op)
    if (servers) item.servers = servers
    item[op.endpoint.method.toLowerCase()] = operationOf(op, set, book, options)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Conneg Gateway',
      version: options.version ?? '0.1.0',
      description:
        'Every operation answers in JSON, HAL+JSON, XML (application/xml or text/xml) and CSV, and all but the export in HTML too (each lists its own): choose with Accept, a path suffix (.csv) or ?format=csv. Errors are RFC 9457 problems in the same family, but for ServiceStack-style operations, which answer failures in their response DTO (OpCode and ErrorText), as ServiceStack does.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: {
        ...set.components,
        HalLink: {
          type: 'object',
          properties: {
            href: { type: 'string' },
            title: { type: 'string' },
            templated: { type: 'boolean' },
          },
          required: ['href'],
        },
      },
      parameters: { format: FORMAT_PARAMETER },
      headers: HEADERS,
      examples: book.examples,
      securitySchemes: SECURITY_SCHEMES,
    },
  }
}
