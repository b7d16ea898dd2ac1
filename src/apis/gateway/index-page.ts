import type { Endpoint } from '../../app/types.ts'
import { mediaTypes } from '../../formats/registry.ts'
import { respond } from '../../helper/respond.ts'
import type { Links } from '../../formats/types.ts'
import { GatewayIndex, type RouteInfo } from '../../model/gateway.ts'

/** HAL's URI-template form of a Hono path (`/users/:id` → `/users/{id}`). */
const template = (path: string) => path.replace(/:(\w+)/g, '{$1}')

/**
 * `GET /`: a HAL index of every route. Each route is a link named for its operation; routes
 * with parameters are templated links. `documentation`: where the API is described, named
 * for the relation it is linked under (`service-desc`), which the `Link` header of the other
 * formats carries too when it is a registered one; listed in `routes` as well, so that every
 * format shows it.
 *
 * @example
 * indexPage(endpoints, DOCUMENTATION_ROUTES)
 */
export const indexPage = (
  endpoints: readonly Endpoint[],
  documentation: readonly RouteInfo[] = [],
): Endpoint => ({
  method: 'GET',
  path: '/',
  name: 'index',
  title: 'This index of every route',
  response: GatewayIndex,
  store: false,
  handler: (c) => {
    const routes = [
      ...[indexPage([]), ...endpoints].map((e) => ({
        name: e.name,
        method: e.method,
        path: template(e.path),
        title: e.title,
      })),
      ...documentation,
    ]
    const links: Links = { self: { href: '/' } }
    for (const route of routes) {
      if (route.name === 'index') continue
      links[route.name] = {
        href: route.path,
        title: `${route.method} ${route.title}`,
        ...(route.path.includes('{') ? { templated: true } : {}),
      }
    }
    return respond(
      c,
      GatewayIndex,
      { name: 'Conneg Gateway', formats: mediaTypes(), routes },
      { links },
    )
  },
})
