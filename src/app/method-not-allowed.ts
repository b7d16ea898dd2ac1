import type { Endpoint } from './types.ts'

// Exactly the paths the router serves: routing is strict, so `/users/` is not `/users`, and a
// method the path has cannot be "not allowed" there.
const pattern = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`)

/**
 * Every method a route serves, in the one order of every `Allow` and
 * `Access-Control-Allow-Methods`, whatever the routes'.
 */
export const METHOD_ORDER: readonly string[] = ['GET', 'HEAD', 'POST', 'DELETE']

/** What `allowedMethods` reads of a route. */
export interface RouteMethod {
  method: string
  path: string
  /** A GET that refuses HEAD (`Endpoint.refuseHead`): HEAD is then not one of its methods. */
  refuseHead?: boolean
}

/**
 * The methods a path serves, for `Allow` on a 405 (Hono alone would answer 404) and on a
 * preflight: a GET serves HEAD too, unless it refuses it.
 *
 * @example
 * allowedMethods(endpoints)('/v2.0/external/alexa/users/1') // ['GET', 'HEAD', 'DELETE']
 * allowedMethods(endpoints)('/CognitoSendConfirmCodeRequest') // ['GET', 'POST']
 */
export const allowedMethods = (routes: readonly RouteMethod[]) => {
  const compiled = routes.map((r) => ({ ...r, re: pattern(r.path) }))
  return (path: string): string[] => {
    const methods = new Set<string>()
    for (const route of compiled) {
      if (!route.re.test(path)) continue
      methods.add(route.method)
      if (route.method === 'GET' && !route.refuseHead) methods.add('HEAD')
    }
    return [
      ...METHOD_ORDER.filter((m) => methods.has(m)),
      ...[...methods].filter((m) => !METHOD_ORDER.includes(m)),
    ]
  }
}

export type { Endpoint }
