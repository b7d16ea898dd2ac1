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
  /** ServiceStack operations (`urlFormat`): their reply route, any letter case. */
  operations?: readonly string[]
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
  mediaTypes: string[]
  /** Choices of recent Accept headers: clients send the same few on every request. */
  choices: Map<string, Choice>
}

/** Accept headers whose choice is kept per offer list, and the longest one kept. */
const KEPT_CHOICES = 256
const KEPT_ACCEPT_LENGTH = 512

// Keys and media types of an offer list, derived once per list rather than on every request.
const derived = new WeakMap<readonly FormatOffer[], Derived>()
const derivedOf = (formats: readonly FormatOffer[]): Derived => {
  let found = derived.get(formats)
  if (!found) {
    const mediaTypes = formats.flatMap((f) => f.mediaTypes)
    found = { keys: formats.map((f) => f.key), mediaTypes, choices: new Map() }
    derived.set(formats, found)
  }
  return found
}

/**
 * The format an Accept header chooses: parsed and ranked once per header text and offer list,
 * then remembered (at most `KEPT_CHOICES` headers; a flood of distinct ones starts the memory
 * afresh, and costs what it would have cost without it).
 */
const choiceOf = (formats: readonly FormatOffer[], d: Derived, accept: string): Choice => {
  let choice = d.choices.get(accept)
  if (choice === undefined) {
    const ranges = parseAccept(accept)
    const mediaType = negotiateRanges(ranges, d.mediaTypes)
    const format = formats.find((f) => mediaType !== undefined && f.mediaTypes.includes(mediaType))
    choice = { key: format?.key, mediaType: format && mediaType, ranged: ranges.length > 0 }
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
 * // { ok: true, key: 'xml', mediaType: 'text/xml', source: 'url', path: '/users' }
 * selectFormat({ path: '/users', search: new URLSearchParams(), accept: 'image/png' }, formats)
 * // { ok: false, reason: 'not-acceptable', requested: 'image/png', path: '/users' }
 */
export const selectFormat = (
  input: FormatRequest,
  formats: readonly FormatOffer[],
): FormatSelection => {
  const d = derivedOf(formats)
  const url = urlFormat(input.path, input.search, d.keys, input.operations)
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
    if (mediaType !== undefined) return { ok: true, key: named.key, mediaType, source: 'url', path }
  }
  const { key, mediaType, ranged } = choiceOf(formats, d, accept)
  if (key !== undefined && mediaType !== undefined)
    return { ok: true, key, mediaType, source: ranged ? 'accept' : 'default', path }
  return { ok: false, reason: 'not-acceptable', requested: accept, path }
}
