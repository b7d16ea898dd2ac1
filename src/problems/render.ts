import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { requestUrl } from '../app/request-url.ts'
import type { AppEnv } from '../app/types.ts'
import { json } from '../formats/json.ts'
import { Problem } from '../model/problem.ts'
import { actedOn } from '../helper/respond.ts'
import { send } from '../middleware/response-headers.ts'
import { catalogue, problemTypeUri } from './catalogue.ts'
import type { ProblemError } from './problem-error.ts'

/**
 * The request's URL with no format named in it: the routed path and the query but `format`
 * (in any letter case, as the marker is read). A problem page's links to the other formats are
 * made from it, so that they ask again what was asked (`/contacts.html?limit=0` →
 * `/contacts?limit=0&format=json`).
 */
const canonicalOf = (path: string, search: URLSearchParams): string => {
  const rest = new URLSearchParams(search)
  for (const name of new Set(rest.keys())) if (name.toLowerCase() === 'format') rest.delete(name)
  const query = rest.toString()
  return query ? `${path}?${query}` : path
}

/**
 * Renders a problem in the negotiated format family: problem+json for JSON and HAL,
 * problem+xml for XML, one CSV row for CSV. When negotiation itself failed: the problem type
 * Accept names, if any (`problemsAs`), else problem+json.
 */
export const renderProblem = (c: Context<AppEnv>, error: ProblemError): Response => {
  const entry = catalogue[error.kind]
  const url = requestUrl(c.req.raw)
  const value: Problem = {
    type: problemTypeUri(error.kind),
    title: entry.title,
    status: entry.status,
    detail: error.detail,
    instance: url.pathname,
    code: entry.code,
    traceId: c.get('traceId'),
    details: error.details,
  }
  const negotiated = c.get('negotiated') ?? c.get('problemsAs')
  const format = negotiated?.format ?? json
  const mediaType = negotiated?.mediaType ?? 'application/json'
  const routed = c.get('path')
  const body = format.serialize(Problem, value, {
    mediaType,
    links: { self: { href: value.type } },
    ...(routed === undefined ? {} : { canonical: canonicalOf(routed, url.searchParams) }),
    ...(actedOn(c) ? { acted: true } : {}),
    problem: true,
    maxDepth: 8,
  })
  return send(c, body, entry.status as ContentfulStatusCode, {
    ...error.headers,
    'Content-Type': format.problemContentType,
  })
}
