import type { Context, MiddlewareHandler } from 'hono'
import { requestUrl } from '../app/request-url.ts'
import type { AppEnv, Negotiated } from '../app/types.ts'
import { urlMarker } from '../app/url-marker.ts'
import { formatByKey, formats, mediaTypes, problemOnlyTypes } from '../formats/registry.ts'
import { negotiateProblemType, selectFormat } from '../negotiation/index.ts'
import { ProblemError } from '../problems/problem-error.ts'
import type { Guard } from './guards.ts'

// Accept may name one of these where it names no format.
const problemTypes = problemOnlyTypes()
const problemOffers = [...problemTypes.keys()]

/** The problem type Accept names, as the format that renders it; undefined when none. */
const problemsAs = (accept: string | undefined): Negotiated | undefined => {
  const type = accept ? negotiateProblemType(accept, problemOffers) : undefined
  const format = type === undefined ? undefined : problemTypes.get(type)
  return format && { format, mediaType: format.mediaTypes[0]!, byUrl: false }
}

/**
 * The 406 for a response none of whose formats Accept allows, listing those there are (those
 * of `keys` for an endpoint that serves only some).
 */
const notAcceptable = (keys?: readonly string[]) =>
  new ProblemError('notAcceptable', "None of the Accept header's media types can be produced.", {
    details: { accepted: mediaTypes(keys) },
  })

/**
 * Chooses the representation (SPEC §3): URL override, then Accept, then JSON. Sets
 * `c.get('negotiated')`; an unknown `?format=`, one given twice, or format markers that
 * disagree (`.csv?format=xml`) is a 406 listing what the gateway serves. When nothing is
 * acceptable, only a route that would answer is a 406, listing the formats it serves
 * (`acceptable`): another path is a 404, another method a 405, and a documentation page,
 * which has one representation whatever Accept says (`servedOnlyAs`), is served. Those
 * problems are rendered in the problem type Accept names, if it names one the gateway renders
 * (`application/problem+xml`), else as problem+json. (Every response varies on Accept:
 * `responseHeaders` says so.)
 *
 * @example
 * app.use(guards(negotiate))
 */
export const negotiate: Guard = (c) => {
  const url = requestUrl(c.req.raw)
  const selection = selectFormat(
    {
      path: url.pathname,
      search: url.searchParams,
      accept: c.req.header('Accept'),
      marker: urlMarker(c.req.raw),
    },
    formats,
  )
  c.set('path', selection.path)
  if (!selection.ok) {
    const problems = problemsAs(c.req.header('Accept'))
    c.set('problemsAs', problems)
    const details = { accepted: mediaTypes() }
    if (selection.reason === 'unknown-format') {
      throw new ProblemError('unknownFormat', `There is no format "${selection.requested}".`, {
        details,
      })
    }
    if (selection.reason === 'conflicting-format') {
      throw new ProblemError(
        'unknownFormat',
        `The URL names different formats (${selection.requested}); name one format.`,
        { details },
      )
    }
    if (selection.reason === 'repeated-format') {
      throw new ProblemError(
        'unknownFormat',
        `?format= is given more than once (${selection.requested}); name one format.`,
        { details },
      )
    }
    // Nothing acceptable: the route says so (`acceptable`), with the formats it serves.
    return
  }
  c.set('negotiated', {
    format: formatByKey(selection.key)!,
    mediaType: selection.mediaType,
    byUrl: selection.source === 'url',
    ...(selection.styles ? { styles: selection.styles } : {}),
  })
}

/**
 * Wraps a route's first handler so that it runs only when a format was negotiated: the 406
 * `negotiate` left to the route, so that an unknown route is still a 404. Not a middleware
 * layer of its own, which would cost every request. `keys`: the formats the endpoint serves,
 * when not all, which its 406 lists.
 *
 * @example
 * app.on('GET', '/users', acceptable(handler))
 */
export const acceptable =
  (handler: MiddlewareHandler<AppEnv>, keys?: readonly string[]): MiddlewareHandler<AppEnv> =>
  (c, next) => {
    if (c.get('negotiated') === undefined) throw notAcceptable(keys)
    return handler(c, next)
  }

/**
 * For an endpoint that serves only some formats (`Endpoint.formats`), after `negotiate`: when
 * Accept chose a format it does not serve, Accept is negotiated again among the ones it does
 * (a browser gets XML, `text/html, *\/*;q=0.1` JSON, not a 406). A format the URL names is not
 * negotiable: one the endpoint does not serve is a 406 listing those it does.
 *
 * @example
 * app.get('/contacts/export', offerOnly(['json', 'hal', 'xml', 'csv']), handler)
 */
export const offerOnly = (keys: readonly string[]): MiddlewareHandler<AppEnv> => {
  const offered = formats.filter((f) => keys.includes(f.key))
  const accepted = mediaTypes(keys)
  return async (c, next) => {
    const negotiated = c.get('negotiated')!
    if (!keys.includes(negotiated.format.key)) {
      const selection = negotiated.byUrl
        ? undefined
        : selectFormat(
            { path: '', search: new URLSearchParams(), accept: c.req.header('Accept') },
            offered,
          )
      if (!selection?.ok) {
        throw new ProblemError(
          'notAcceptable',
          `This resource is available as ${accepted.join(', ')}.`,
          { details: { accepted } },
        )
      }
      c.set('negotiated', {
        format: formatByKey(selection.key)!,
        mediaType: selection.mediaType,
        byUrl: false,
      })
    }
    await next()
  }
}

/**
 * For a resource that has one representation whatever Accept says (a documentation page, one
 * of its files): Accept is disregarded, as RFC 9110 §12.5.1 allows, but a format the URL
 * names that is not this one (`/docs.json`, `/metadata?format=xml`) is a 406 naming the one
 * there is, as for an endpoint that serves only some formats. `key`: the registry's format it
 * is, if any (`html`), which the URL may name.
 *
 * @example
 * servedOnlyAs(c, 'text/html', 'html') // throws for /docs.json, not for /docs or /docs.html
 */
export const servedOnlyAs = (c: Context<AppEnv>, mediaType: string, key?: string): void => {
  const negotiated = c.get('negotiated')
  if (!negotiated?.byUrl || negotiated.format.key === key) return
  throw new ProblemError('notAcceptable', `This resource is available as ${mediaType} only.`, {
    details: { accepted: [mediaType] },
  })
}
