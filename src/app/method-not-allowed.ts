import type { Endpoint } from './types.ts'

// Exactly the paths the router serves: routing is strict, so `/users/` is not `/users`, and a
// method the path has cannot be "not allowed" there.
const pattern = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`)

/**
 * The methods a path has, for a 405 with `Allow` when the path exists but not for the method
 * asked (Hono alone would answer 404).
 *
 * @example
 * allowedMethods(endpoints)('/v2.0/external/alexa/users/1') // ['GET', 'DELETE']
 */
export const allowedMethods = (endpoints: readonly { method: string; path: string }[]) => {
  const compiled = endpoints.map((e) => ({ method: e.method, re: pattern(e.path) }))
  return (path: string): string[] => {
    const methods = new Set(compiled.filter((e) => e.re.test(path)).map((e) => e.method))
    if (methods.has('GET')) methods.add('HEAD')
    return [...methods]
  }
}

export type { Endpoint }
