import { parseAccept, type MediaRange } from './accept.ts'

/** How one offer fares against the header: negotiator's `q`, `s`, `o`, `i`. */
export interface Priority {
  offer: string
  /** Weight of the most specific range matching the offer. */
  q: number
  /** Specificity of that range: type 4, subtype 2, any parameter 1. */
  s: number
  /** Header order of that range. */
  o: number
  /** Server order of the offer. */
  i: number
}

// Parameters add specificity (`text/csv;header=present` beats `text/csv`, RFC 9110 §12.5.1).
// A parameter the client names prevents a match only when it contradicts one the offer is
// always sent with (`header=absent` against CSV's `header=present`, RFC 4180 §3): one the
// offer does not define changes nothing we send, and `charset` never does (we always send
// UTF-8, and clients name other charsets they also read).
const specificity = (r: MediaRange): number =>
  (r.type === '*' ? 0 : 4) + (r.subtype === '*' ? 0 : 2) + (r.params.size > 0 ? 1 : 0)

/** An offer's type, subtype and the parameters (but `charset`) it is always sent with. */
interface Offer {
  type: string
  subtype: string
  params: [name: string, value: string][]
}

const offerOf = (offer: string): Offer | undefined => {
  const [essence = '', ...rest] = offer.toLowerCase().split(';')
  const slash = essence.indexOf('/')
  if (slash < 0) return undefined
  const params: [string, string][] = []
  for (const param of rest) {
    const eq = param.indexOf('=')
    const name = param.slice(0, eq).trim()
    if (eq > 0 && name !== 'charset') params.push([name, param.slice(eq + 1).trim()])
  }
  return { type: essence.slice(0, slash).trim(), subtype: essence.slice(slash + 1).trim(), params }
}

/**
 * A refusal (`q=0`) of a charset other than UTF-8 (`text/csv;charset=latin1;q=0`) refuses
 * nothing we send: the client still takes the UTF-8 representation another range allows.
 */
const refusesOtherCharset = (r: MediaRange): boolean => {
  const charset = r.params.get('charset')?.toLowerCase()
  return r.q === 0 && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8'
}

const agrees = (r: MediaRange, offer: Offer): boolean => {
  for (const [name, value] of offer.params) {
    const asked = r.params.get(name)
    if (asked !== undefined && asked.toLowerCase() !== value) return false
  }
  return true
}

const priorityOf = (
  ranges: readonly MediaRange[],
  offer: string,
  i: number,
): Priority | undefined => {
  const parsed = offerOf(offer)
  if (!parsed) return undefined
  let best: Priority | undefined
  for (const r of ranges) {
    if (r.type !== '*' && r.type !== parsed.type) continue
    if (r.subtype !== '*' && r.subtype !== parsed.subtype) continue
    if (parsed.params.length > 0 && !agrees(r, parsed)) continue
    if (refusesOtherCharset(r)) continue
    const p = { offer, q: r.q, s: specificity(r), o: r.index, i }
    // The most specific range decides; between equally specific ones the higher q wins (as in
    // negotiator), so a repeated range cannot lower what another copy allows.
    if (!best || p.s > best.s || (p.s === best.s && p.q > best.q)) best = p
  }
  return best
}

/** Negotiator's ranking, best first: q, specificity, header order, server order. */
export const comparePriority = (a: Priority, b: Priority): number =>
  b.q - a.q || b.s - a.s || a.o - b.o || a.i - b.i

/**
 * Picks the offer the parsed ranges prefer, for callers that already hold the ranges. An empty
 * range list means "no preference": the first offer.
 *
 * @example
 * negotiateRanges(parseAccept('text/*;q=0.5, text/csv;q=0'), ['text/xml', 'text/csv'])
 * // 'text/xml'
 */
export const negotiateRanges = (
  ranges: readonly MediaRange[],
  offers: readonly string[],
): string | undefined => {
  if (ranges.length === 0) return offers[0]
  let best: Priority | undefined
  for (const [i, offer] of offers.entries()) {
    const p = priorityOf(ranges, offer, i)
    if (p && p.q > 0 && (!best || comparePriority(p, best) < 0)) best = p
  }
  return best?.offer
}

/**
 * Chooses the media type to send (RFC 9110 §12.5.1). `offers` are media types in server
 * preference order, each with the parameters it is always sent with, if any
 * (`text/csv;header=present`): a range that names another value for one of them does not match
 * it. An absent or blank header, or one whose ranges are
 * all invalid, expresses no preference and gets the first offer; otherwise the result is
 * undefined when nothing is acceptable (the caller answers 406).
 *
 * @example
 * negotiateMediaType('application/xml;q=0.9, *\/*;q=0.8', ['application/json', 'application/xml'])
 * // 'application/xml'
 * negotiateMediaType(undefined, ['application/json', 'text/csv']) // 'application/json'
 * negotiateMediaType('image/png', ['application/json']) // undefined
 * negotiateMediaType('text/csv;header=absent', ['text/csv;header=present']) // undefined
 */
export const negotiateMediaType = (
  accept: string | undefined,
  offers: readonly string[],
): string | undefined => negotiateRanges(parseAccept(accept ?? ''), offers)
