import { parseAccept, type MediaRange } from './accept.ts'

/** How one offer fares against the header: negotiator's `q`, `s`, `o`, `i`. */
interface Priority {
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

// Parameters add specificity (`text/csv;header=present` beats `text/csv`, RFC 9110 §12.5.1) but
// never prevent a match: our offers carry none, and a charset or `header=present` the client
// names is one we can honour (we always send UTF-8 and a header row).
const specificity = (r: MediaRange): number =>
  (r.type === '*' ? 0 : 4) + (r.subtype === '*' ? 0 : 2) + (r.params.size > 0 ? 1 : 0)

const priorityOf = (
  ranges: readonly MediaRange[],
  offer: string,
  i: number,
): Priority | undefined => {
  const lower = offer.toLowerCase()
  const slash = lower.indexOf('/')
  if (slash < 0) return undefined
  const type = lower.slice(0, slash)
  const subtype = lower.slice(slash + 1)
  let best: Priority | undefined
  for (const r of ranges) {
    if ((r.type !== '*' && r.type !== type) || (r.subtype !== '*' && r.subtype !== subtype))
      continue
    const p = { offer, q: r.q, s: specificity(r), o: r.index, i }
    // The most specific range decides; between equally specific ones the higher q wins (as in
    // negotiator), so a repeated range cannot lower what another copy allows.
    if (!best || p.s > best.s || (p.s === best.s && p.q > best.q)) best = p
  }
  return best
}

const compare = (a: Priority, b: Priority): number =>
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
    if (p && p.q > 0 && (!best || compare(p, best) < 0)) best = p
  }
  return best?.offer
}

/**
 * Chooses the media type to send (RFC 9110 §12.5.1). `offers` are media types without
 * parameters, in server preference order. An absent or blank header, or one whose ranges are
 * all invalid, expresses no preference and gets the first offer; otherwise the result is
 * undefined when nothing is acceptable (the caller answers 406).
 *
 * @example
 * negotiateMediaType('application/xml;q=0.9, *\/*;q=0.8', ['application/json', 'application/xml'])
 * // 'application/xml'
 * negotiateMediaType(undefined, ['application/json', 'text/csv']) // 'application/json'
 * negotiateMediaType('image/png', ['application/json']) // undefined
 */
export const negotiateMediaType = (
  accept: string | undefined,
  offers: readonly string[],
): string | undefined => negotiateRanges(parseAccept(accept ?? ''), offers)
