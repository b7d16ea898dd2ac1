import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import {
  createAmazonUser,
  deleteAmazonUser,
  getAmazonUser,
  listAmazonUsers,
} from '../apis/cognigy/index.ts'
import { documentationPages } from '../apis/gateway/documentation.ts'
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
import { formats } from '../formats/registry.ts'
import { corsFor } from '../middleware/cors.ts'
import { type Guard, guards } from '../middleware/guards.ts'
import { headerLimits } from '../middleware/header-limits.ts'
import { acceptable, negotiate, offerOnly } from '../middleware/negotiate.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { responseHeaders } from '../middleware/response-headers.ts'
import { urlFormat } from '../negotiation/index.ts'
import { onError } from '../problems/on-error.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { renderProblem } from '../problems/render.ts'
import { allowedMethods } from './method-not-allowed.ts'
import { requestUrl } from './request-url.ts'
import type { AppDeps, AppEnv, Endpoint, Limits } from './types.ts'

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 1024 * 1024,
  maxDepth: 32,
  headerBytes: 4 * 1024,
  authFailures: 10,
  authFailureWindowSeconds: 5 * 60,
}

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

const formatKeys = formats.map((f) => f.key)

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
  const all = [indexPage(endpoints), ...endpoints]
  const pages = documentationPages(all, aliases)
  const allowed = allowedMethods([
    ...all.flatMap((e) => aliases(e.path).map((path) => ({ ...e, path }))),
    ...pages,
  ])

  // Route on the path without its format marker: `/users.xml` and `/xml/reply/Op` reach the
  // same handler as `/users` and `/Op`.
  const app = new Hono<AppEnv>({
    getPath: (request) => {
      const url = requestUrl(request)
      return urlFormat(url.pathname, url.searchParams, formatKeys).path
    },
  })

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
  const cors = corsFor(deps.corsOrigins ?? [])
  if (cors) app.use(guards(headerLimits), cors, guards(...checks))
  else app.use(guards(headerLimits, ...checks))
  const limitBody = bodyLimit({
    maxSize: limits.bodyBytes,
    onError: () => {
      throw new ProblemError(
        'payloadTooLarge',
        `The request body is larger than ${limits.bodyBytes} bytes.`,
      )
    },
  })
  // GET and HEAD carry no body the gateway reads. Asking whether they have one would make
  // @hono/node-server build the whole Request object it otherwise never needs.
  app.use((c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next),
  )

  for (const endpoint of all) {
    for (const path of aliases(endpoint.path)) {
      const [first, ...rest] = [
        ...(endpoint.formats ? [offerOnly(endpoint.formats)] : []),
        ...(endpoint.middleware ?? []),
        endpoint.handler,
      ] as MiddlewareHandler<AppEnv>[]
      app.on(endpoint.method, path, acceptable(first!), ...rest)
    }
  }
  for (const page of pages)
    app.on(page.method, page.path, acceptable(page.handler as MiddlewareHandler<AppEnv>))

  app.notFound((c) => {
    const methods = allowed(c.get('path') ?? requestUrl(c.req.raw).pathname)
    if (methods.length > 0) {
      return renderProblem(
        c,
        new ProblemError('methodNotAllowed', `${c.req.method} is not allowed here.`, {
          headers: { Allow: methods.join(', ') },
        }),
      )
    }
    return renderProblem(c, new ProblemError('routeNotFound', 'No route matches this path.'))
  })
  app.onError(onError)
  return app
}

export type App = ReturnType<typeof createApp>
