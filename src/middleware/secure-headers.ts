import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/**
 * The CSP of every response: the gateway serves data, never a page, so nothing may load, run
 * or frame it even if a browser renders a body (an XML or CSV that reflects input).
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'"

/**
 * Security headers for an API (OWASP REST cheat sheet): `nosniff` so a browser never reads a
 * JSON or CSV body as HTML, `X-Frame-Options: DENY` and the strict CSP against framing and
 * script, `Referrer-Policy: no-referrer` so URLs with ids never leak onwards, plus hono's other
 * defaults (HSTS, COOP/CORP, no `X-Powered-By`). Set on every response, errors and preflights
 * included.
 *
 * @example
 * app.use(apiSecureHeaders())
 */
export const apiSecureHeaders = (): MiddlewareHandler =>
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
  })
