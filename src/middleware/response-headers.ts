import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../app/types.ts'
import { formatOfContentType } from '../formats/registry.ts'
import type { ByteChunks } from '../formats/types.ts'
import { chunkStream } from '../helper/chunk-stream.ts'
import { addCorsHeaders } from './cors.ts'

export const TRACE_HEADER = 'X-Trace-Id'

/**
 * The CSP of every response: the gateway serves data, never a page, so nothing may load, run
 * or frame it even if a browser renders a body (an XML or CSV that reflects input).
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'"

/**
 * Security headers for an API (OWASP REST cheat sheet): `nosniff` so a browser never reads a
 * JSON or CSV body as HTML, `X-Frame-Options: DENY` and the strict CSP against framing and
 * script, `Referrer-Policy: no-referrer` so URLs with ids never leak onwards, plus the rest of
 * hono's `secureHeaders()` defaults (HSTS, COOP/CORP…). The values are exactly what
 * `secureHeaders()` sets with those options (a test holds them to it); they are written out
 * here so a response gets them in the plain object it is built with.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
  'Content-Security-Policy': API_CSP,
}

/**
 * Every header the gateway adds to a response with this Content-Type: the security headers,
 * the CSP its content needs (a document, whose format has a `documentPolicy`, gets that policy,
 * or `c.get('pagePolicy')` when its handler set one, as `/docs` does for Swagger UI's scripts;
 * anything else the API's), the trace id, `Vary` (every response varies on Accept, and on
 * Accept-Encoding where the runtime compresses),
 * `Cache-Control: no-store` for a request that carries credentials, and CORS's when
 * `deps.corsOrigins` names any origin (`addCorsHeaders`).
 */
export const gatewayHeaders = (
  c: Context<AppEnv>,
  contentType: string | null | undefined,
): Record<string, string> => {
  // `deps` is unset only where `send` is used outside the app (its tests, the bench's baseline).
  const deps = c.get('deps')
  const vary = deps?.compression ? 'Accept, Accept-Encoding' : 'Accept'
  const headers: Record<string, string> = { ...SECURITY_HEADERS, Vary: vary }
  // A shared cache may store a response to a request with `X-API-Key` (RFC 9111 §3.5 holds it
  // back only for `Authorization`) and hand it to a caller without one: an answer to a caller
  // who presented credentials is never stored (OWASP REST Security). A handler may say more.
  if (c.req.header('Authorization') !== undefined || c.req.header('X-API-Key') !== undefined)
    headers['Cache-Control'] = 'no-store'
  const traceId = c.get('traceId')
  if (traceId !== undefined) headers[TRACE_HEADER] = traceId
  const document = contentType && formatOfContentType(contentType)?.documentPolicy?.(c.req)
  if (document) {
    headers['Content-Security-Policy'] = c.get('pagePolicy') ?? document.policy
    if (document.vary) headers.Vary = `${vary}, ${document.vary}`
  }
  const origins = deps?.corsOrigins
  if (origins?.length) addCorsHeaders(origins, c.req.header('Origin'), headers)
  return headers
}

/**
 * `vary` with each of `tokens` (comma-separated) that it does not name already, compared
 * case-insensitively; `*` (varies on everything) stands alone.
 *
 * @example
 * joinVary('Accept', 'accept, Origin') // 'Accept, Origin'
 */
const joinVary = (vary: string | null | undefined, tokens: string): string => {
  if (!vary) return tokens
  const joined = vary.split(',').map((token) => token.trim())
  const named = new Set(joined.map((token) => token.toLowerCase()))
  for (const token of tokens.split(',').map((t) => t.trim())) {
    const key = token.toLowerCase()
    if (key === '*' || named.has('*')) return '*'
    if (key === '' || named.has(key)) continue
    named.add(key)
    joined.push(token)
  }
  return joined.join(', ')
}

const encoder = new TextEncoder()
const byteLength = (body: string | Uint8Array | ByteChunks): number =>
  typeof body === 'string' ? encoder.encode(body).byteLength : body.byteLength

/** What `send` built a response from: its body as given, its status and all its headers. */
export interface SentParts {
  readonly body: string | Uint8Array<ArrayBuffer> | ByteChunks | null
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

// Responses built by `send`, which already carry every header the gateway adds.
const complete = new WeakMap<Response, SentParts>()

/**
 * A response with its headers complete: the gateway's own (`gatewayHeaders`) and the
 * handler's, in one plain object. On Node that object goes to `writeHead` as it is; a
 * response built with `c.body` gets the same headers afterwards, through a `Headers` object
 * that costs more per request than the body of a small one (and as much again to write out).
 * A handler's `Vary` joins the gateway's (a token named twice is written once). Header names
 * are spelled as the gateway spells them (`Content-Type`, `Vary`), so a handler's replace the
 * gateway's rather than repeat them.
 *
 * @example
 * return send(c, body, 200, { 'Content-Type': 'application/json; charset=utf-8' })
 */
export const send = (
  c: Context<AppEnv>,
  body: string | Uint8Array<ArrayBuffer> | ByteChunks | null,
  status: ContentfulStatusCode,
  headers: Record<string, string>,
): Response => {
  const all = gatewayHeaders(c, headers['Content-Type'])
  const vary = all.Vary
  Object.assign(all, headers)
  if (headers.Vary) all.Vary = joinVary(vary, headers.Vary)
  // A HEAD answers GET's headers without its body (RFC 9110 §9.3.2); the runtimes count a
  // body's length as they write it, and a HEAD has none to count, so it is said here. They do
  // not count a stream's: the length of a document sent as its chunks is said for every method.
  const chunked = body !== null && typeof body === 'object' && !(body instanceof Uint8Array)
  if (body !== null && (chunked || c.req.method === 'HEAD'))
    all['Content-Length'] = String(byteLength(body))
  const res = new Response(chunked ? chunkStream(body) : body, { status, headers: all })
  complete.set(res, { body, status, headers: all })
  return res
}

/**
 * Whether `send` built the response: its body is bytes, none, or the chunks of a document
 * written whole before the response was made (a stream that cannot fail).
 *
 * @example
 * sentWhole(send(c, '{}', 200, { 'Content-Type': 'application/json' })) // true
 */
export const sentWhole = (res: Response): boolean => complete.has(res)

/**
 * What `send` built the response from, or undefined for any other response: a runtime that
 * rewrites a body (Node's compression) reads it here instead of from the response, whose
 * body the adapter would first have to build.
 *
 * @example
 * sentParts(send(c, '{}', 200, { 'Content-Type': 'application/json' }))?.body // '{}'
 */
export const sentParts = (res: Response): SentParts | undefined => complete.get(res)

/**
 * Gives every request a trace id (`c.get('traceId')`, in every problem body) and every
 * response the gateway's headers (`gatewayHeaders`): errors, pages, preflights and 404s
 * included. A response built with `send` has them already and is left as it is.
 *
 * @example
 * app.use(responseHeaders())
 */
export const responseHeaders = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  c.set('traceId', c.get('deps').newTraceId())
  await next()
  if (complete.has(c.res)) return
  const headers = c.res.headers
  for (const [name, value] of Object.entries(gatewayHeaders(c, headers.get('Content-Type')))) {
    if (name === 'Vary') headers.set('Vary', joinVary(headers.get('Vary'), value))
    else if (name !== 'Cache-Control' || !headers.has(name)) headers.set(name, value)
  }
}
