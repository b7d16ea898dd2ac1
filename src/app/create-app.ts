import { type Context, Hono, type MiddlewareHandler } from 'hono'
import {
  createAmazonUser,
  deleteAmazonUser,
  getAmazonUser,
  listAmazonUsers,
} from '../apis/cognigy/index.ts'
import { limitBody } from '../body/body-limit.ts'
import { carriesBody } from '../body/carries-body.ts'
import { DOCUMENTATION_ROUTES, documentationPages } from '../apis/gateway/documentation.ts'
import { health } from '../apis/gateway/health.ts'
import { indexPage } from '../apis/gateway/index-page.ts'
import { getProblemType, listProblemTypes } from '../apis/gateway/problem-types.ts'
import {
  authenticateUser,
  exportContacts,
  getContact,
  getWidgetContact,
  listContacts,
} from '../apis/opencx/index.ts'
import {
  cognitoSendConfirmCode,
  cognitoSendConfirmCodeByQuery,
} from '../apis/servicestack/index.ts'
import { corsPreflight } from '../middleware/cors.ts'
import { type Guard, guards } from '../middleware/guards.ts'
import { headerLimits } from '../middleware/header-limits.ts'
import { acceptable, negotiate, offerOnly } from '../middleware/negotiate.ts'
import { requireMigrated } from '../middleware/require-migrated.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { responseHeaders } from '../middleware/response-headers.ts'
import { onError } from '../problems/on-error.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { renderProblem } from '../problems/render.ts'
import { DEFAULT_LIMITS } from './limits.ts'
import { allowedMethods } from './method-not-allowed.ts'
import type { AppDeps, AppEnv, Endpoint, Limits } from './types.ts'
import { urlMarker } from './url-marker.ts'

export { DEFAULT_LIMITS }

/** Every API endpoint, in the order the index lists them. */
export const endpoints: readonly Endpoint[] = [
  createAmazonUser,
  listAmazonUsers,
  getAmazonUser,
  deleteAmazonUser,
  cognitoSendConfirmCode,
  cognitoSendConfirmCodeByQuery,
  authenticateUser,
  getWidgetContact,
  listContacts,
  exportContacts,
  getContact,
  health,
  listProblemTypes,
  getProblemType,
]

/** Cognigy's routes also answer under the seed's base path. */
const ALIASES: Record<string, string> = { '/v2.0/': '/new/v2.0/' }

const aliases = (path: string): string[] => {
  const prefix = Object.keys(ALIASES).find((p) => path.startsWith(p))
  return prefix ? [path, ALIASES[prefix] + path.slice(prefix.length)] : [path]
}

/**
 * Whether the app refuses the route while the database lacks the latest migration: every
 * route does unless it says it never touches the database or answers that itself
 * (`Endpoint.store`), so that a new endpoint that forgets to say fails safe.
 */
const appChecksMigration = (endpoint: Endpoint): boolean => endpoint.store === undefined

/**
 * `handler`, first of a route's, run once the request is known to be the endpoint's: what
 * answers it (`respond`) reads the endpoint's declaration from the context. A wrapper rather
 * than another layer, as `requireMigrated` is.
 */
const routedTo =
  (endpoint: Endpoint, handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) => {
    c.set('endpoint', endpoint)
    return handler(c, next)
  }

/**
 * The path a request routes on: without its format marker (`/users.xml` and `/xml/reply/Op`
 * reach the same handler as `/users` and `/Op`), and an operation's path in its own spelling.
 */
const routedPath = (request: Request): string => urlMarker(request).path

/**
 * Builds the gateway from its dependencies. The same app runs on Node and on Workers; only
 * the dependencies differ.
 *
 * @example
 * const app = createApp({ store, secrets, clock: () => new Date(), ... })
 * await app.request('/healthz')
 */
export const createApp = (deps: AppDeps) => {
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits }
  const all = [indexPage(endpoints, DOCUMENTATION_ROUTES), ...endpoints]
  const pages = documentationPages(all, aliases)
  const allowed = allowedMethods([
    ...all.flatMap((e) => aliases(e.path).map((path) => ({ ...e, path }))),
    ...pages,
  ])

  const methodNotAllowed = (c: Context<AppEnv>, methods: string[]) =>
    renderProblem(
      c,
      new ProblemError('methodNotAllowed', `${c.req.method} is not allowed here.`, {
        headers: { Allow: methods.join(', ') },
      }),
    )
  // Hono answers HEAD with the GET handler; a GET that acts must not run for it.
  const refuseHead: MiddlewareHandler<AppEnv> = (c, next) => {
    if (c.req.method === 'HEAD') return Promise.resolve(methodNotAllowed(c, allowed(c.get('path'))))
    c.set('acts', true)
    return next()
  }

  const app = new Hono<AppEnv>({ getPath: routedPath })

  // Outermost: the dependencies every later step reads, then the headers every response gets
  // (errors, 404s and preflights too).
  const headers = responseHeaders()
  app.use((c, next) => {
    c.set('deps', deps)
    c.set('limits', limits)
    return headers(c, next)
  })
  // Without its secrets the gateway serves nothing (500 "not configured"), health included.
  const checks = [negotiate, (c) => void requireSecrets(c)] satisfies Guard[]
  // Preflights are answered after the header limits but before negotiation and
  // authentication, which they never carry.
  const preflight = corsPreflight(deps.corsOrigins ?? [], (c) => allowed(routedPath(c.req.raw)))
  if (preflight) {
    app.use(guards(headerLimits))
    app.on('OPTIONS', '*', preflight)
    app.use(guards(...checks))
  } else app.use(guards(headerLimits, ...checks))
  // On the routes that take a body, before their credentials are checked. GET carries no body
  // the gateway reads (asking whether it has one would make @hono/node-server build the whole
  // Request object it otherwise never needs), and a path no route takes reads none.
  const bodyLimit = limitBody(limits.bodyBytes)

  for (const endpoint of all) {
    for (const path of aliases(endpoint.path)) {
      const own = [...(endpoint.middleware ?? []), endpoint.handler] as MiddlewareHandler<AppEnv>[]
      // Refused before its credentials are checked or its body read: nothing it does can work.
      if (appChecksMigration(endpoint)) own[0] = requireMigrated(own[0]!)
      const [first, ...rest] = [
        ...(carriesBody(endpoint.method) && !endpoint.limitsBody ? [bodyLimit] : []),
        ...(endpoint.formats ? [offerOnly(endpoint.formats)] : []),
        ...own,
      ] as MiddlewareHandler<AppEnv>[]
      // A refused HEAD is a 405 whatever Accept says: it goes before the 406 check.
      const handlers = [
        ...(endpoint.refuseHead ? [refuseHead] : []),
        acceptable(first!, endpoint.formats),
        ...rest,
      ]
      handlers[0] = routedTo(endpoint, handlers[0]!)
      app.on(endpoint.method, path, ...(handlers as [MiddlewareHandler<AppEnv>]))
    }
  }
  // A page is what it is whatever Accept asks (`servedOnlyAs`): it is never the 406 of a route
  // none of whose formats Accept allows, and its failures are those of any route.
  for (const page of pages)
    app.on(
      page.method,
      page.path,
      appChecksMigration(page)
        ? requireMigrated(page.handler as MiddlewareHandler<AppEnv>)
        : page.handler,
    )

  app.notFound((c) => {
    const methods = allowed(c.get('path') ?? routedPath(c.req.raw))
    if (methods.length > 0) return methodNotAllowed(c, methods)
    return renderProblem(c, new ProblemError('routeNotFound', 'No route matches this path.'))
  })
  app.onError(onError)
  return app
}

export type App = ReturnType<typeof createApp>
