import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { requestUrl } from '../app/request-url.ts'
import type { AppEnv } from '../app/types.ts'
import { json } from '../formats/json.ts'
import { Problem } from '../model/problem.ts'
import { send } from '../middleware/response-headers.ts'
import { catalogue, problemTypeUri } from './catalogue.ts'
import type { ProblemError } from './problem-error.ts'

/**
 * Renders a problem in the negotiated format family: problem+json for JSON and HAL,
 * problem+xml for XML, one CSV row for CSV. When negotiation itself failed: the problem type
 * Accept names, if any (`problemsAs`), else problem+json.
 */
export const renderProblem = (c: Context<AppEnv>, error: ProblemError): Response => {
  const entry = catalogue[error.kind]
  const value: Problem = {
    type: problemTypeUri(error.kind),
    title: entry.title,
    status: entry.status,
    detail: error.detail,
    instance: requestUrl(c.req.raw).pathname,
    code: entry.code,
    traceId: c.get('traceId'),
    details: error.details,
  }
  const negotiated = c.get('negotiated') ?? c.get('problemsAs')
  const format = negotiated?.format ?? json
  const mediaType = negotiated?.mediaType ?? 'application/json'
  const body = format.serialize(Problem, value, {
    mediaType,
    links: { self: { href: value.type } },
    problem: true,
    maxDepth: 8,
  })
  return send(c, body, entry.status as ContentfulStatusCode, {
    ...error.headers,
    'Content-Type': format.problemContentType,
  })
}
