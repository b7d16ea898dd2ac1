import type { Endpoint } from '../../app/types.ts'
import { mediaTypes } from '../../formats/registry.ts'
import { respond } from '../../helper/respond.ts'
import type { Links } from '../../formats/types.ts'
import { GatewayIndex } from '../../model/gateway.ts'

/** HAL's URI-template form of a Hono path (`/users/:id` → `/users/{id}`). */
const template = (path: string) => path.replace(/:(\w+)/g, '{$1}')

/**
 * `GET /`: a HAL index of every route. Each route is a link named for its operation; routes
 * with parameters are templated links.
 */
export const indexPage = (endpoints: readonly Endpoint[]): Endpoint => ({
  method: 'GET',
  path: '/',
  name: 'index',
  title: 'This index of every route',
  response: GatewayIndex,
  handler: (c) => {
    const all = [indexPage([]), ...endpoints]
    const links: Links = { self: { href: '/' } }
    for (const e of all) {
      if (e.name === 'index') continue
      const href = template(e.path)
      links[e.name] = {
        href,
        title: `${e.method} ${e.title}`,
        ...(href !== e.path || href.includes('{') ? { templated: true } : {}),
      }
    }
    const routes = all.map((e) => ({
      name: e.name,
      method: e.method,
      path: template(e.path),
      title: e.title,
    }))
    return respond(
      c,
      GatewayIndex,
      { name: 'Conneg Gateway', formats: mediaTypes(), routes },
      { links },
    )
  },
})
