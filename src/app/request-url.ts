const parsed = new WeakMap<Request, URL>()

/**
 * The request's URL, parsed once per request: routing, negotiation and problem rendering all
 * read it, and `new URL` is one of the larger fixed costs of a small response.
 *
 * @example
 * requestUrl(c.req.raw).pathname // '/contacts/c1.xml'
 */
export const requestUrl = (request: Request): URL => {
  let url = parsed.get(request)
  if (!url) {
    url = new URL(request.url)
    parsed.set(request, url)
  }
  return url
}
