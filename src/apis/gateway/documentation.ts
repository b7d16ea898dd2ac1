import type { Endpoint } from '../../app/types.ts'
import { docsPages } from './docs.ts'
import { metadataPages } from './metadata.ts'
import { openApiPage } from './openapi.ts'

/**
 * The pages that describe the API — `/openapi.json`, `/metadata`, `/{format}/metadata`,
 * `/docs` — built from the endpoints they describe. They are not API operations: each has one
 * media type, so they are neither in the OpenAPI document nor in the fixtures.
 *
 * @example
 * for (const page of documentationPages(all, aliases)) app.on(page.method, page.path, page.handler)
 */
export const documentationPages = (
  endpoints: readonly Endpoint[],
  aliasesOf: (path: string) => string[],
): Endpoint[] => [
  openApiPage(endpoints, aliasesOf),
  ...metadataPages(endpoints, aliasesOf),
  ...docsPages(),
]

/** Their route paths, for checks that look at the routes of the app. */
export const DOCUMENTATION_PATHS = documentationPages([], (p) => [p]).map((p) => p.path)
