import type { Endpoint } from '../../app/types.ts'
import { bodyParsers } from '../../formats/body-parsers.ts'
import { openApiDocument } from '../../describe/openapi.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { send } from '../../middleware/response-headers.ts'

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of every endpoint, generated once from their
 * schemas and the app's limits. Routed as `/openapi` (the `.json` suffix is a format marker),
 * so it answers only when the path really is `/openapi.json`.
 *
 * @example
 * app.get(page.path, openApiPage(endpoints, aliases).handler)
 */
export const openApiPage = (
  endpoints: readonly Endpoint[],
  aliasesOf: (path: string) => string[],
): Endpoint => {
  let text: string | undefined
  return {
    method: 'GET',
    path: '/openapi',
    name: 'openapi',
    title: 'The OpenAPI 3.1 document of this gateway',
    indexedAs: { rel: 'service-desc', href: '/openapi.json' },
    store: false,
    handler: (c) => {
      if (new URL(c.req.url).pathname !== '/openapi.json') {
        throw new ProblemError('routeNotFound', 'The OpenAPI document is at /openapi.json.')
      }
      text ??= JSON.stringify(
        openApiDocument(endpoints, {
          aliasesOf,
          requestTypes: Object.keys(bodyParsers),
          limits: c.get('limits'),
        }),
      )
      return send(c, text, 200, { 'Content-Type': 'application/json; charset=utf-8' })
    },
  }
}
