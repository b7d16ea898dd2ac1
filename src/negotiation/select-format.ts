import { parseAccept } from './accept.ts'
import { negotiateRanges } from './negotiate.ts'
import { type MarkerStyle, urlFormat, type UrlFormat } from './url-format.ts'

/** What negotiation needs to know of a format: its key and media types (canonical first). */
export interface FormatOffer {
  readonly key: string
  readonly mediaTypes: readonly string[]
  /**
   * The Content-Type a media type is sent with. Its parameters (but `charset`) are ones an
   * Accept range must not contradict: CSV's `header=present` does not match
   * `text/csv;header=absent`.
   */
  readonly contentType?: (mediaType: string) => string
}

/** The request parts that can name a format. */
export interface FormatRequest {
  path: string
  search: URLSearchParams
  accept: string | undefined
  /** ServiceStack operations (`urlFormat`): their reply route, any letter case. */
  operations?: readonly string[]
  /**
   * What the URL names, when the caller has read it already: `urlFormat` of `path` and
   * `search` with these formats' keys (the router needs the path first).
   */
  marker?: UrlFormat
}

export type FormatSelection =
  | {
      ok: true
      key: string
      mediaType: string
      /** What decided: the URL, the Accept header, or the lack of any preference. */
      source: 'url' | 'accept' | 'default'
      /** With source `url`: where the URL names the format (for `markUrl`). */
      styles?: MarkerStyle[]
      /** The path to route, without the URL's format marker. */
      path: string
    }
  | {
      ok: false
      reason: 'unknown-format' | 'repeated-format' | 'conflicting-format' | 'not-acceptable'
      /**
       * The unknown `?format=` value, every `?format=` value (quoted, listed), the markers
       * that disagree (listed), or Accept.
       */
      requested: string
      path: string
    }

/** What an Accept header chooses among an offer list's media types. */
interface Choice {
  /** The chosen format's key and media type, or undefined when nothing is acceptable. */
  key: string | undefined
  mediaType: string | undefined
  /** Whether the header had any valid range (else it expresses no preference). */
  ranged: boolean
}

interface Derived {
  keys: string[]
  /** Every media type with the parameters it is sent with, as negotiation ranks them. */
  offers: string[]
  /** The format and media type of each offer. */
  byOffer: Map<string, { key: string; mediaType: string }>
  /** Choices of recent Accept headers: clients send the same few on every request. */
  choices: Map<string, Choice>
}

/** Accept headers whose choice is kept per offer list, and the longest one kept. */
const KEPT_CHOICES = 256
const KEPT_ACCEPT_LENGTH = 512

/** A media type with its Content-Type's parameters but `charset` (CSV's `header=present`). */
const offerText = (format: FormatOffer, mediaType: string): string => {
  const params = (format.contentType?.(mediaType) ?? '')
    .split(';')
    .slice(1)
    .map((param) => param.trim())
    .filter((param) => param !== '' && !param.toLowerCase().startsWith('charset='))
  return [mediaType, ...params].join(';')
}

// Keys and media types of an offer list, derived once per list rather than on every request.
const derived = new WeakMap<readonly FormatOffer[], Derived>()
const derivedOf = (formats: readonly FormatOffer[]): Derived => {
  let found = derived.get(formats)
  if (!found) {
    const byOffer = new Map<string, { key: string; mediaType: string }>()
    for (const f of formats)
      for (const mediaType of f.mediaTypes)
        byOffer.set(offerText(f, mediaType), { key: f.key, mediaType })
    found = {
      keys: formats.map((f) => f.key),
      offers: [...byOffer.keys()],
      byOffer,
      choices: new Map(),
    }
    derived.set(formats, found)
  }
  return found
}

/**
 * The format an Accept header chooses: parsed and ranked once per header text and offer list,
 * then remembered (at most `KEPT_CHOICES` headers; a flood of distinct ones starts the memory
 * afresh, and costs what it would have cost without it).
 */
const choiceOf = (d: Derived, accept: string): Choice => {
  let choice = d.choices.get(accept)
  if (choice === undefined) {
    const ranges = parseAccept(accept)
    const offer = negotiateRanges(ranges, d.offers)
    const chosen = offer === undefined ? undefined : d.byOffer.get(offer)
    choice = { key: chosen?.key, mediaType: chosen?.mediaType, ranged: ranges.length > 0 }
    if (accept.length <= KEPT_ACCEPT_LENGTH) {
      if (d.choices.size >= KEPT_CHOICES) d.choices.clear()
      d.choices.set(accept, choice)
    }
  }
  return choice
}

/**
 * Chooses the response format: the URL's explicit format first, then the Accept header, then the
 * first format. A format named by the URL still honours Accept among its own media types
 * (`.xml` with `Accept: text/xml` → `text/xml`); an Accept header that rejects it is ignored,
 * because the URL is the more explicit request.
 *
 * @example
 * selectFormat({ path: '/users.xml', search: new URLSearchParams(), accept: 'text/xml' }, formats)
 * // { ok: true, key: 'xml', mediaType: 'text/xml', source: 'url', styles: ['suffix'], … }
 * selectFormat({ path: '/users', search: new URLSearchParams(), accept: 'image/png' }, formats)
 * // { ok: false, reason: 'not-acceptable', requested: 'image/png', path: '/users' }
 */
export const selectFormat = (
  input: FormatRequest,
  formats: readonly FormatOffer[],
): FormatSelection => {
  const d = derivedOf(formats)
  const url = input.marker ?? urlFormat(input.path, input.search, d.keys, input.operations)
  const { path } = url
  if (url.unknown !== undefined)
    return { ok: false, reason: 'unknown-format', requested: url.unknown, path }
  if (url.repeated !== undefined)
    return {
      ok: false,
      reason: 'repeated-format',
      requested: url.repeated.map((v) => `"${v}"`).join(', '),
      path,
    }
  if (url.conflicting !== undefined)
    return {
      ok: false,
      reason: 'conflicting-format',
      requested: url.conflicting.join(', '),
      path,
    }
  const accept = input.accept ?? ''
  const named = formats.find((f) => f.key === url.key)
  if (named) {
    const mediaType = negotiateRanges(parseAccept(accept), named.mediaTypes) ?? named.mediaTypes[0]
    if (mediaType !== undefined) {
      const styles = url.styles ?? []
      return { ok: true, key: named.key, mediaType, source: 'url', styles, path }
    }
  }
  const { key, mediaType, ranged } = choiceOf(d, accept)
  if (key !== undefined && mediaType !== undefined)
    return { ok: true, key, mediaType, source: ranged ? 'accept' : 'default', path }
  return { ok: false, reason: 'not-acceptable', requested: accept, path }
}
