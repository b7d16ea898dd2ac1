import type { MiddlewareHandler } from 'hono'
import { OPERATIONS } from '../apis/servicestack/operations.ts'
import { requestUrl } from '../app/request-url.ts'
import type { AppEnv } from '../app/types.ts'
import { formatByKey, formats, mediaTypes } from '../formats/registry.ts'
import { selectFormat } from '../negotiation/index.ts'
import { ProblemError } from '../problems/problem-error.ts'
import type { Guard } from './guards.ts'

/**
 * Chooses the representation (SPEC §3): URL override, then Accept, then JSON. Sets
 * `c.get('negotiated')`; an unknown `?format=`, one given twice, format markers that disagree
 * (`.csv?format=xml`), or nothing acceptable is a 406 listing what the gateway serves
 * (rendered as problem+json by `onError`). (Every response varies on Accept:
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
      operations: OPERATIONS,
    },
    formats,
  )
  c.set('path', selection.path)
  if (!selection.ok) {
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
    throw new ProblemError(
      'notAcceptable',
      "None of the Accept header's media types can be produced.",
      {
        details,
      },
    )
  }
  c.set('negotiated', {
    format: formatByKey(selection.key)!,
    mediaType: selection.mediaType,
    byUrl: selection.source === 'url',
  })
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
