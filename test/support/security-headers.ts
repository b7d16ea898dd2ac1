/**
 * The security headers every response carries, by lower-case name, with their values:
 * SECURITY.md's ("MIME sniffing, framing, referrer leaks": nosniff, frame deny, the API's
 * CSP, no referrer, HSTS, COOP/CORP) and the rest of hono's `secureHeaders()` defaults the
 * gateway sends. Written out here rather than imported from the code under test, so that
 * dropping or changing any of them fails the tests that expect them.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}

/**
 * The response headers README (`CORS_ORIGINS`) lets a listed origin's pages read, sorted: the
 * trace id, a 201's Location, paging's Link and X-Total-Count, a 429's or 503's Retry-After, a
 * 401's WWW-Authenticate (where the bearer routes say why a token failed) and an export's
 * Content-Disposition; nothing else.
 */
export const EXPOSED_HEADERS: readonly string[] = [
  'Content-Disposition',
  'Link',
  'Location',
  'Retry-After',
  'WWW-Authenticate',
  'X-Total-Count',
  'X-Trace-Id',
]

/**
 * The header fields of a raw HTTP/1.x answer (its status line, fields and the body after
 * them), by lower-case name; a name sent twice has its values joined by `, `.
 *
 * @example
 * headFields('HTTP/1.1 204 No Content\r\nAllow: GET\r\n\r\n') // { allow: 'GET' }
 */
export const headFields = (answer: string): Record<string, string> => {
  const fields: Record<string, string> = {}
  const [, ...lines] = answer.slice(0, answer.indexOf('\r\n\r\n')).split('\r\n')
  for (const line of lines) {
    const at = line.indexOf(':')
    const name = line.slice(0, at).toLowerCase()
    const value = line.slice(at + 1).trim()
    fields[name] = name in fields ? `${fields[name]}, ${value}` : value
  }
  return fields
}
