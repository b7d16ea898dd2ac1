import { essence, formats, mediaTypes } from '../formats/registry.ts'
import type { Format } from '../formats/types.ts'
import { Problem } from '../model/problem.ts'
import { catalogue, type ProblemKind, problemTypeUri } from '../problems/catalogue.ts'
import type { SampleBody } from './bodies.ts'

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

/**
 * A sample problem of a kind, with what the gateway puts in its `details` for that kind.
 *
 * @example
 * problemSample('notFound', '/v2.0/external/alexa/users/{id}').code // 1020
 */
export const problemSample = (
  kind: ProblemKind,
  instance: string,
  bodyTypes: readonly string[] = [],
): Problem => {
  const entry = catalogue[kind]
  const details: Problem['details'] =
    kind === 'validation' || kind === 'badQuery'
      ? { errors: [{ pointer: '/member', message: 'must be a string' }] }
      : kind === 'notAcceptable' || kind === 'unknownFormat'
        ? { accepted: mediaTypes() }
        : kind === 'unsupportedMediaType'
          ? { accepted: [...bodyTypes] }
          : {}
  return {
    type: problemTypeUri(kind),
    title: entry.title,
    status: entry.status,
    detail: entry.description,
    instance,
    code: entry.code,
    traceId: '0123456789abcdef0123456789abcdef',
    details,
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
