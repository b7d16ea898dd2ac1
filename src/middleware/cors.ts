import type { Context, MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

/** Response headers a browser script may read: ids, links, paging, retry hints, file names. */
export const EXPOSED_HEADERS = [
  'X-Trace-Id',
  'Location',
  'Link',
  'X-Total-Count',
  'Retry-After',
  'WWW-Authenticate',
  'Content-Disposition',
]

/** Request headers a browser may send cross-origin: negotiation, bodies and credentials. */
export const ALLOWED_HEADERS = ['Accept', 'Content-Type', 'X-API-Key', 'Authorization']

/**
 * The CORS headers of an actual (not preflight) request's response, added to `headers`: what
 * `hono/cors` sets (the request's `Origin` when it is configured, or `*`; the exposed headers;
 * `Vary: Origin` unless any origin is allowed). They are written into the plain object a
 * response is built with (`gatewayHeaders`): `hono/cors` sets them on the response afterwards,
 * which makes Hono rebuild it with a `Headers` object, 15 µs of a 26 µs read.
 *
 * @example
 * addCorsHeaders(['https://app.example'], 'https://app.example', headers)
 * // headers['Access-Control-Allow-Origin'] === 'https://app.example'
 */
export const addCorsHeaders = (
  origins: readonly string[],
  origin: string | undefined,
  headers: Record<string, string>,
): void => {
  const any = origins.includes('*')
  if (any) headers['Access-Control-Allow-Origin'] = '*'
  else if (origin && origins.includes(origin)) headers['Access-Control-Allow-Origin'] = origin
  headers['Access-Control-Expose-Headers'] = EXPOSED
  if (!any) headers.Vary = headers.Vary ? `${headers.Vary}, Origin` : 'Origin'
}

const EXPOSED = EXPOSED_HEADERS.join(',')

/**
 * The preflights of CORS for the configured origins (CORS_ORIGINS), or undefined when there
 * are none: then no `Access-Control-*` header is ever sent and browsers keep the same-origin
 * policy. `*` allows any origin (safe only because credentials are headers a page must hold,
 * never cookies). Preflights are answered here, before negotiation and authentication, with
 * the methods the path serves (`methodsOf`, the list a 405's `Allow` gives) as
 * `Access-Control-Allow-Methods` and `Allow`. An `OPTIONS` on a path no route takes is no
 * preflight of anything: it goes on to the 404 a GET there gets; one without
 * `Access-Control-Request-Method` is no preflight either, and gets the 405 it gets with CORS
 * off. Other requests get their CORS headers with the gateway's own (`addCorsHeaders`).
 *
 * @example
 * const preflight = corsPreflight(['https://app.example'], (c) => allowed(c.req.path))
 * if (preflight) app.on('OPTIONS', '*', preflight)
 */
export const corsPreflight = (
  origins: readonly string[],
  methodsOf: (c: Context) => string[],
): MiddlewareHandler | undefined => {
  if (origins.length === 0) return undefined
  const handle = cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: (_origin, c) => methodsOf(c),
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  })
  return async (c, next) => {
    // An OPTIONS that names no method to ask about is no preflight (Fetch §3.2.2): it is
    // answered as it would be with CORS off (a 405 with Allow), plus an actual request's CORS.
    if (c.req.header('Access-Control-Request-Method') === undefined) return next()
    const methods = methodsOf(c)
    // Hono's cors answers every OPTIONS 204, which would make an unknown path look served. A
    // browser fails a preflight that is not 2xx whatever its headers say, so the 404 needs none.
    if (methods.length === 0) return next()
    const preflight = await handle(c, next)
    preflight?.headers.set('Allow', methods.join(', '))
    return preflight
  }
}

/**
 * An entry's problem, or undefined for `*` or an origin as a browser sends it in `Origin`
 * (scheme, host in lower case, a port only when not the default, nothing after): an entry
 * spelt otherwise (`https://app.example/`) could never equal a request's Origin, and would
 * leave CORS silently off for it.
 */
const originProblem = (entry: string): string | undefined => {
  if (entry === '*') return undefined
  let url: URL | undefined
  try {
    url = new URL(entry)
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    return `CORS_ORIGINS entry "${entry}" is not an origin (scheme://host[:port], such as https://app.example)`
  if (url.origin !== entry)
    return `CORS_ORIGINS entry "${entry}" is not an origin as browsers send it: write "${url.origin}"`
  return undefined
}

/**
 * Parses CORS_ORIGINS: comma-separated origins, blanks ignored; in a Worker's `[vars]` also a
 * TOML array of them. Anything else, or an entry that is not `*` or an origin as browsers
 * send it, throws, naming the variable and the entry (origins are public).
 *
 * @example
 * parseOrigins('https://a.example, https://b.example') // ['https://a.example', 'https://b.example']
 * parseOrigins(['https://a.example']) // ['https://a.example']
 * parseOrigins('https://a.example/') // throws: write "https://a.example"
 */
export const parseOrigins = (value: unknown): string[] => {
  const items = Array.isArray(value) ? (value as unknown[]) : [value ?? '']
  if (!items.every((item) => typeof item === 'string'))
    throw new Error('CORS_ORIGINS must be comma-separated origins (or a list of them)')
  const origins = items
    .flatMap((item) => item.split(','))
    .map((s) => s.trim())
    .filter(Boolean)
  const problems = origins.map(originProblem).filter((p) => p !== undefined)
  if (problems.length > 0) throw new Error(problems.join('; '))
  return origins
}
