import { parseAccept } from './accept.ts'
import { negotiateRanges } from './negotiate.ts'
import { urlFormat } from './url-format.ts'

/** What negotiation needs to know of a format: its key and media types (canonical first). */
export interface FormatOffer {
  readonly key: string
  readonly mediaTypes: readonly string[]
}

/** The request parts that can name a format. */
export interface FormatRequest {
  path: string
  search: URLSearchParams
  accept: string | undefined
}

export type FormatSelection =
  | {
      ok: true
      key: string
      mediaType: string
      /** What decided: the URL, the Accept header, or the lack of any preference. */
      source: 'url' | 'accept' | 'default'
      /** The path to route, without the URL's format marker. */
      path: string
    }
  | {
      ok: false
      reason: 'unknown-format' | 'not-acceptable'
      /** The unknown `?format=` value, or the Accept header. */
      requested: string
      path: string
    }

// Keys and media types of an offer list, derived once per list rather than on every request.
const derived = new WeakMap<readonly FormatOffer[], { keys: string[]; mediaTypes: string[] }>()
const derivedOf = (formats: readonly FormatOffer[]) => {
  let found = derived.get(formats)
  if (!found) {
    found = { keys: formats.map((f) => f.key), mediaTypes: formats.flatMap((f) => f.mediaTypes) }
    derived.set(formats, found)
  }
  return found
}

/**
 * Chooses the response format: the URL's explicit format first, then the Accept header, then the
 * first format. A format named by the URL still honours Accept among its own media types
 * (`.xml` with `Accept: text/xml` → `text/xml`); an Accept header that rejects it is ignored,
 * because the URL is the more explicit request.
 *
 * @example
 * selectFormat({ path: '/users.xml', search: new URLSearchParams(), accept: 'text/xml' }, formats)
 * // { ok: true, key: 'xml', mediaType: 'text/xml', source: 'url', path: '/users' }
 * selectFormat({ path: '/users', search: new URLSearchParams(), accept: 'image/png' }, formats)
 * // { ok: false, reason: 'not-acceptable', requested: 'image/png', path: '/users' }
 */
export const selectFormat = (
  input: FormatRequest,
  formats: readonly FormatOffer[],
): FormatSelection => {
  const { keys, mediaTypes } = derivedOf(formats)
  const url = urlFormat(input.path, input.search, keys)
  const { path } = url
  if (url.unknown !== undefined)
    return { ok: false, reason: 'unknown-format', requested: url.unknown, path }
  const ranges = parseAccept(input.accept ?? '')
  const named = formats.find((f) => f.key === url.key)
  if (named) {
    const mediaType = negotiateRanges(ranges, named.mediaTypes) ?? named.mediaTypes[0]
    if (mediaType !== undefined) return { ok: true, key: named.key, mediaType, source: 'url', path }
  }
  const mediaType = negotiateRanges(ranges, mediaTypes)
  const format = formats.find((f) => mediaType !== undefined && f.mediaTypes.includes(mediaType))
  if (format && mediaType !== undefined)
    return {
      ok: true,
      key: format.key,
      mediaType,
      source: ranges.length ? 'accept' : 'default',
      path,
    }
  return { ok: false, reason: 'not-acceptable', requested: input.accept ?? '', path }
}
