import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../app/types.ts'
import { PAGE_STYLE } from '../formats/html-page.ts'
import { xml } from '../formats/xml.ts'

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
 * The CSP of the gateway's HTML pages: nothing may load, run, submit or frame, and the only
 * style allowed is the pages' own inline stylesheet, named by its hash (so injected markup could
 * not even restyle a page). `img-src data:` is for the empty `data:` favicon.
 */
export const HTML_PAGE_POLICY =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'; ` +
  "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * The CSP of XML a browser navigates to (a page's "XML" link): its built-in viewer styles the
 * tree with inline styles and `data:` SVG arrows, which `default-src 'none'` refuses with
 * console errors. That is all it adds: nothing can be fetched, run or framed. Only
 * navigations (`Sec-Fetch-Dest: document`, which only a browser sends and only when it will
 * display the document) get it; API clients keep the strict policy.
 */
export const XML_VIEW_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"

// The XML format's media types and its problem type, as the registry declares them.
const XML_TYPES = new Set([...xml.mediaTypes, xml.problemContentType.split(';')[0]!])

const essence = (contentType: string | null | undefined): string =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase()

/**
 * Every header the gateway adds to a response with this Content-Type: the security headers,
 * the CSP its content needs (HTML pages: `c.get('pagePolicy')` when a handler set one, as
 * `/docs` does for Swagger UI's scripts, else the pages' hash-pinned one; XML a browser
 * displays: the viewer's inline styles), the trace id, and `Vary` (every response varies on
 * Accept).
 */
export const gatewayHeaders = (
  c: Context<AppEnv>,
  contentType: string | null | undefined,
): Record<string, string> => {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, Vary: 'Accept' }
  const traceId = c.get('traceId')
  if (traceId !== undefined) headers[TRACE_HEADER] = traceId
  const type = essence(contentType)
  if (type === 'text/html') {
    headers['Content-Security-Policy'] = c.get('pagePolicy') ?? HTML_PAGE_POLICY
  } else if (XML_TYPES.has(type) && c.req.header('Sec-Fetch-Dest') === 'document') {
    headers['Content-Security-Policy'] = XML_VIEW_POLICY
    headers.Vary = 'Accept, Sec-Fetch-Dest'
  }
  return headers
}

/** Adds each of `tokens` (comma-separated) to `Vary` unless it is there already. */
const addVary = (headers: Headers, tokens: string): void => {
  for (const token of tokens.split(', ')) {
    const vary = headers.get('Vary')
    if (!vary) headers.set('Vary', token)
    else if (
      !vary
        .toLowerCase()
        .split(/\s*,\s*/)
        .includes(token.toLowerCase())
    )
      headers.set('Vary', `${vary}, ${token}`)
  }
}

// Responses built by `send`, which already carry every header the gateway adds.
const complete = new WeakSet<Response>()

/**
 * A response with its headers complete: the gateway's own (`gatewayHeaders`) and the
 * handler's, in one plain object. On Node that object goes to `writeHead` as it is; a
 * response built with `c.body` gets the same headers afterwards, through a `Headers` object
 * that costs more per request than the body of a small one (and as much again to write out).
 * A handler's `Vary` joins the gateway's. Header names are spelled as the gateway spells them
 * (`Content-Type`, `Vary`), so a handler's replace the gateway's rather than repeat them.
 *
 * @example
 * return send(c, body, 200, { 'Content-Type': 'application/json; charset=utf-8' })
 */
export const send = (
  c: Context<AppEnv>,
  body: string | null,
  status: ContentfulStatusCode,
  headers: Record<string, string>,
): Response => {
  const own = gatewayHeaders(c, headers['Content-Type'])
  const all = { ...own, ...headers }
  if (headers.Vary) all.Vary = `${own.Vary}, ${headers.Vary}`
  const res = new Response(body, { status, headers: all })
  complete.add(res)
  return res
}

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
    if (name === 'Vary') addVary(headers, value)
    else headers.set(name, value)
  }
}
