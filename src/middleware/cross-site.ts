import type { Context, MiddlewareHandler } from 'hono'
import { requestUrl } from '../app/request-url.ts'
import type { AppEnv } from '../app/types.ts'
import { ProblemError } from '../problems/problem-error.ts'

/** The refusal of a browser's request from a page of `from` (`crossSiteRefusal`). */
const refused = (from: string) =>
  new ProblemError(
    'crossSiteRequest',
    `This request came from a page of ${from} that this gateway's CORS origins do not ` +
      'include, and was refused: nothing was done. Call it from an allowed origin, or from ' +
      'outside a browser.',
  )

/**
 * The problem a request is when a browser sent it for a page of another site, and no
 * configured CORS origin (`deps.corsOrigins`) is the page's; undefined for any other request.
 *
 * - `Sec-Fetch-Site: cross-site`, or `same-site` (a sibling subdomain is another origin, and
 *   may be another party's), is refused unless its `Origin` is a configured one: an allowed
 *   origin's page keeps working, its simple requests (sent without a preflight) included.
 * - `same-origin` and `none` (a typed URL, a bookmark) are the gateway's own or the user's.
 * - Without `Sec-Fetch-Site` (Chrome before 76, Firefox before 90, Safari before 16.4), an
 *   `Origin` that is neither the request's own nor a configured one is refused, `null` (a
 *   sandboxed frame, a `file:` page) included. A browser that sends neither header cannot be
 *   told apart from a client that is no browser (curl, a server) and is served as one.
 *
 * `CORS_ORIGINS=*` allows every origin: any page may then call with a preflighted `fetch`
 * anyway, so refusing its simple requests would stop nothing.
 *
 */
const crossSiteRefusal = (c: Context<AppEnv>): ProblemError | undefined => {
  const origin = c.req.header('Origin')
  const origins = c.get('deps').corsOrigins ?? []
  if (origin !== undefined && (origins.includes('*') || origins.includes(origin))) return undefined
  // A structured-header token; browsers send it in lower case.
  const site = c.req.header('Sec-Fetch-Site')?.toLowerCase()
  if (site === 'cross-site') return refused('another site')
  if (site === 'same-site') return refused('another origin of this site')
  if (site === 'same-origin' || site === 'none') return undefined
  // No Sec-Fetch-Site (or a value no browser sends): the Origin alone says where it came from.
  if (origin === undefined || origin === requestUrl(c.req.raw).origin) return undefined
  return refused(origin === 'null' ? 'an opaque origin (Origin: null)' : 'another origin')
}

/**
 * Refuses, before the operation runs, a request a browser sent for another site's page
 * (`crossSiteRefusal`): cross-site request forgery against an operation that acts without
 * credentials, which any page could otherwise make its visitors' browsers call with an
 * auto-submitted form, a `fetch` simple request (CORS hides only the answer) or an `<img>`
 * for a GET that acts. `refuse` answers it (the 403 problem): an operation that answers its
 * failures in its DTO passes the function that writes it there.
 *
 * Not `hono/csrf`: it lets every GET through (ServiceStack's GET form acts), refuses a form
 * POST that carries neither header (curl and every other client that is no browser, which
 * must keep working), and throws a plain-text `Forbidden` that cannot be answered in the
 * negotiated format, nor in the operation's DTO.
 *
 * @example
 * middleware: [refuseCrossSite(refuseInDto)] // ServiceStack: the 403 in its response DTO
 */
export const refuseCrossSite =
  (
    refuse: (c: Context<AppEnv>, problem: ProblemError) => Response | Promise<Response>,
  ): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const problem = crossSiteRefusal(c)
    return problem ? refuse(c, problem) : next()
  }
