import * as v from 'valibot'
import { DEFAULT_LIMITS } from '../app/limits.ts'
import type { Limits } from '../app/types.ts'
import { issueMessage, issuePointer } from '../body/issues.ts'
import { bodyParsers } from '../formats/body-parsers.ts'
import { essence, formats, mediaTypes } from '../formats/registry.ts'
import { BodySyntaxError, type Format } from '../formats/types.ts'
import { Problem, type ProblemDetails } from '../model/problem.ts'
import { catalogue, type ProblemKind, problemTypeUri } from '../problems/catalogue.ts'
import { RETRY_AFTER_SECONDS } from '../problems/on-error.ts'
import type { SampleBody } from './bodies.ts'
import { fieldsOf, type Operation } from './operations.ts'

/**
 * The media types problems are written in, one per format family (`application/problem+json`
 * for JSON and HAL, `application/problem+xml`, `text/csv`, `text/html`), with the format that
 * writes each.
 *
 * @example
 * problemMediaTypes() // [['application/problem+json', json], ['application/problem+xml', xml], …]
 */
export const problemMediaTypes = (): [string, Format][] => {
  const byType = new Map<string, Format>()
  for (const format of formats) {
    const type = essence(format.problemContentType)
    if (!byType.has(type)) byType.set(type, format)
  }
  return [...byType]
}

export interface ProblemSampleOptions {
  /** The operation that answers it: a 400 points at its own members. */
  op?: Operation
  /** The body types a 415 lists. */
  bodyTypes?: readonly string[]
  /** The limits a 413 and a 431 name; the defaults without. */
  limits?: Limits
}

type Errors = NonNullable<ProblemDetails['errors']>

const errorsOf = (issues: readonly v.BaseIssue<unknown>[]): Errors =>
  issues.map((issue) => ({ pointer: issuePointer(issue), message: issueMessage(issue) }))

// What the gateway answers a body that is `{}`: the request's own members, by its own rules.
const validationErrors = (op: Operation | undefined): Errors => {
  const issues = op?.endpoint.request && v.safeParse(op.endpoint.request, {}).issues
  return issues ? errorsOf(issues) : [{ pointer: '', message: 'is required: the body is empty' }]
}

// The error a body reader words for text it cannot read.
const syntaxErrors = (type: string, text: string): Errors => {
  try {
    bodyParsers[type]!(text, v.unknown(), { maxDepth: 1 })
  } catch (error) {
    if (error instanceof BodySyntaxError)
      return [{ pointer: error.pointer, message: error.message }]
  }
  return []
}

// What it answers a query whose first parameter is empty (`?limit=`), or else one naming
// `__proto__`.
const queryErrors = (op: Operation | undefined): Errors => {
  const query = op?.endpoint.query
  const first = query && fieldsOf(query)[0]?.key
  const issues = first && v.safeParse(query, { [first]: '' }).issues
  return issues
    ? errorsOf(issues)
    : syntaxErrors('application/x-www-form-urlencoded', '__proto__=1')
}

/**
 * What the gateway puts in `details` for each kind, as it really sends it: the errors of a
 * 400, the media types a 406 or 415 accepts, the limit a 413 or 431 exceeds (and the header),
 * the wait of a 429 or 503, and nothing (`{}`) where it says nothing more.
 */
const detailsOf = (kind: ProblemKind, options: ProblemSampleOptions): ProblemDetails => {
  const { op, bodyTypes = [], limits = DEFAULT_LIMITS } = options
  switch (kind) {
    case 'validation':
      return { errors: validationErrors(op) }
    case 'badQuery':
      return { errors: queryErrors(op) }
    case 'malformedBody':
      // A JSON body cut short.
      return { errors: syntaxErrors('application/json', '{"') }
    case 'notAcceptable':
      return { accepted: mediaTypes(op?.endpoint.formats) }
    case 'unknownFormat':
      return { accepted: mediaTypes() }
    case 'unsupportedMediaType':
      return { accepted: [...bodyTypes] }
    case 'payloadTooLarge':
      return { maxBytes: limits.bodyBytes }
    case 'headerTooLarge':
      return { header: 'Accept', maxBytes: limits.headerBytes }
    case 'tooManyRequests':
      return { retryAfterSeconds: limits.authFailureWindowSeconds }
    case 'serviceUnavailable':
      return { retryAfterSeconds: RETRY_AFTER_SECONDS }
    default:
      return {}
  }
}

/**
 * A sample problem of a kind, with what the gateway puts in its `details` for that kind (for
 * the operation that answers it, when given).
 *
 * @example
 * problemSample('notFound', '/v2.0/external/alexa/users/{id}').code // 1020
 * problemSample('payloadTooLarge', '/x').details // { maxBytes: 1048576 }
 */
export const problemSample = (
  kind: ProblemKind,
  instance: string,
  options: ProblemSampleOptions = {},
): Problem => {
  const entry = catalogue[kind]
  return {
    type: problemTypeUri(kind),
    title: entry.title,
    status: entry.status,
    detail: entry.description,
    instance,
    code: entry.code,
    traceId: '0123456789abcdef0123456789abcdef',
    details: detailsOf(kind, options),
  }
}

/**
 * A problem written by the format of its family, as `renderProblem` writes it.
 *
 * @example
 * problemBody(problemSample('notFound', '/x'), 'application/problem+xml', xml).body
 * // '<?xml version="1.0" encoding="UTF-8"?><problem xmlns="urn:ietf:rfc:7807">…'
 */
export const problemBody = (problem: Problem, mediaType: string, format: Format): SampleBody => ({
  mediaType,
  contentType: format.problemContentType,
  body: format.serialize(Problem, problem, {
    mediaType: format.mediaTypes[0]!,
    links: { self: { href: problem.type } },
    problem: true,
    maxDepth: 8,
  }),
})
