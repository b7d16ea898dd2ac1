import type { Endpoint } from '../../app/types.ts'
import type { RouteInfo } from '../../model/gateway.ts'
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

// What they are does not depend on the endpoints they describe.
const described = documentationPages([], (p) => [p])

/** Their route paths, for checks that look at the routes of the app. */
export const DOCUMENTATION_PATHS = described.map((p) => p.path)

/**
 * What the index lists of them (`Endpoint.indexedAs`): where the documentation starts, each
 * under its relation and at the URL to follow. Swagger UI's files and the page of one
 * operation are linked from these.
 */
export const DOCUMENTATION_ROUTES: readonly RouteInfo[] = described.flatMap(
  ({ indexedAs, method, path, title }) =>
    indexedAs ? [{ name: indexedAs.rel, method, path: indexedAs.href ?? path, title }] : [],
)
