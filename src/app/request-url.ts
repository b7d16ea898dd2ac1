/** The parts of a request's URL the gateway reads: its path and its query. */
export interface RequestUrl {
  /** As `URL.pathname`: `/contacts/c1.xml`. */
  readonly pathname: string
  /**
   * As `URL.search`: `?format=csv`, or `''` when the query is empty. (A `'` that
   * @hono/node-server leaves in a query stays, where `new URL` writes `%27`: the same to
   * `searchParams` and to a form parser.)
   */
  readonly search: string
  /** The query's parameters, made on first use. */
  readonly searchParams: URLSearchParams
}

const parsed = new WeakMap<Request, RequestUrl>()

/**
 * The request's path and query, read once per request: routing, negotiation and problem
 * rendering all need them.
 *
 * `request.url` is already the runtime's serialisation of the URL — Workers parse it,
 * @hono/node-server passes the request line through `new URL` unless it holds only characters
 * that parsing leaves as they are, and no dot segment — so its path and query are read off the
 * text, as `new URL` would give them (a test holds the two together), at a fraction of the
 * cost of parsing it again, one of the larger fixed costs of a small response.
 *
 * @example
 * requestUrl(c.req.raw).pathname // '/contacts/c1.xml'
 */
export const requestUrl = (request: Request): RequestUrl => {
  let url = parsed.get(request)
  if (!url) {
    url = splitUrl(request.url)
    parsed.set(request, url)
  }
  return url
}

// `/`, `?` and `#`.
const ENDS_AUTHORITY = new Set([47, 63, 35])

/**
 * The path and query of an absolute URL in its serialised form (`scheme://authority/path?query#fragment`).
 *
 * @example
 * splitUrl('http://127.0.0.1:8787/users.csv?skip=10#x').search // '?skip=10'
 */
export const splitUrl = (href: string): RequestUrl => {
  const authority = href.indexOf('//')
  // The path starts at the first `/`, `?` or `#` after the authority.
  let pathAt = authority < 0 ? 0 : authority + 2
  while (pathAt < href.length && !ENDS_AUTHORITY.has(href.charCodeAt(pathAt))) pathAt++
  let hashAt = href.indexOf('#', pathAt)
  if (hashAt < 0) hashAt = href.length
  let queryAt = href.indexOf('?', pathAt)
  if (queryAt < 0 || queryAt > hashAt) queryAt = hashAt
  const pathname = queryAt > pathAt ? href.slice(pathAt, queryAt) : '/'
  const search = hashAt - queryAt > 1 ? href.slice(queryAt, hashAt) : ''
  let params: URLSearchParams | undefined
  return {
    pathname,
    search,
    get searchParams() {
      return (params ??= new URLSearchParams(search))
    },
  }
}
