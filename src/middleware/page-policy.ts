import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { utf8 } from '../crypto/encoding.ts'
import { PAGE_STYLE } from '../formats/html-page.ts'
import { xml } from '../formats/xml.ts'

let pagePolicy: Promise<string> | undefined

const sha256Base64 = async (text: string): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)))
  let binary = ''
  for (const byte of digest) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * The CSP of the gateway's HTML pages: nothing may load, run, submit or frame, and the only
 * style allowed is the pages' own inline stylesheet, named by its hash (so injected markup could
 * not even restyle a page). `img-src data:` is for the empty `data:` favicon.
 *
 * @example
 * await htmlPagePolicy() // "default-src 'none'; style-src 'sha256-…'; img-src data:; …"
 */
export const htmlPagePolicy = (): Promise<string> =>
  (pagePolicy ??= sha256Base64(PAGE_STYLE).then(
    (hash) =>
      `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; ` +
      "form-action 'none'; frame-ancestors 'none'",
  ))

/**
 * The CSP of XML a browser navigates to (a page's "XML" link): its built-in viewer styles the
 * tree with inline styles and `data:` SVG arrows, which `default-src 'none'` refuses with
 * console errors. That is all it adds: nothing can be fetched, run or framed. Only
 * navigations (`Sec-Fetch-Dest: document`, which only a browser sends and only when it will
 * display the document) get it; API clients keep the strict policy.
 */
export const XML_VIEW_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"

const essence = (res: Response): string =>
  (res.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()

// The XML format's media types and its problem type, as the registry declares them.
const XML_TYPES = new Set([...xml.mediaTypes, xml.problemContentType.split(';')[0]!])

/**
 * Gives HTML responses the policy their page needs: `c.get('pagePolicy')` when a handler set one
 * (`/docs` runs Swagger UI's scripts), else the pages' hash-pinned one; XML gets the viewer's
 * inline styles when a browser displays it. Registered before the API's secure headers, so it
 * runs after them and replaces only their CSP; every other response keeps the API's
 * `default-src 'none'`.
 *
 * @example
 * app.use(pagePolicies())
 * app.use(apiSecureHeaders())
 */
export const pagePolicies = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next()
  const type = essence(c.res)
  if (XML_TYPES.has(type) && c.req.header('Sec-Fetch-Dest') === 'document') {
    c.res.headers.set('Content-Security-Policy', XML_VIEW_POLICY)
    c.res.headers.append('Vary', 'Sec-Fetch-Dest')
  }
  if (type !== 'text/html') return
  c.res.headers.set('Content-Security-Policy', c.get('pagePolicy') ?? (await htmlPagePolicy()))
}
