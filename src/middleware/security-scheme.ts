import type { MiddlewareHandler } from 'hono'
import type { AppEnv, Endpoint } from '../app/types.ts'

/** The kinds of credentials a route can demand: OpenAPI's security schemes, by name. */
export type SecurityScheme = 'apiKey' | 'orgToken' | 'contactToken'

const demanded = new WeakMap<MiddlewareHandler<AppEnv>, SecurityScheme>()

/**
 * Marks a middleware as the check of `scheme`'s credentials, and returns it. The middleware
 * factories that check credentials (`apiKey()`, `orgToken()`, `contactToken()`) mark what they
 * return, so an endpoint is documented with the credentials its middleware really demands
 * (`securityOf`), and there is nothing else to declare or to forget.
 *
 * @example
 * export const apiKey = () => demanding('apiKey', async (c, next) => { … })
 */
export const demanding = (
  scheme: SecurityScheme,
  middleware: MiddlewareHandler<AppEnv>,
): MiddlewareHandler<AppEnv> => {
  demanded.set(middleware, scheme)
  return middleware
}

/**
 * The credentials an endpoint's middleware demands, for OpenAPI and the metadata pages; none
 * when no middleware of it is marked by `demanding`. A route demands one kind at most.
 *
 * @example
 * securityOf(createAmazonUser) // 'apiKey'
 * securityOf(health) // undefined
 */
export const securityOf = (endpoint: Pick<Endpoint, 'middleware' | 'name'>) => {
  const schemes = (endpoint.middleware ?? []).flatMap((m) => demanded.get(m) ?? [])
  if (schemes.length > 1)
    throw new Error(`${endpoint.name} demands more than one kind of credentials: ${schemes}`)
  return schemes[0]
}
