import { parseAccept, type MediaRange } from './accept.ts'
import { comparePriority, type Priority } from './negotiate.ts'

/**
 * How specifically a range names a media type, or -1 when it does not: RFC 9110's wildcards,
 * plus a structured-syntax suffix (RFC 6839) after a wildcard, `application/*+xml`, which
 * clients send for "any XML" and which names `application/problem+xml`.
 */
const specificity = (r: MediaRange, type: string, subtype: string): number => {
  if (r.type !== '*' && r.type !== type) return -1
  if (r.subtype === subtype) return 3
  if (r.subtype.startsWith('*+') && subtype.endsWith(r.subtype.slice(1))) return 2
  if (r.subtype === '*') return r.type === '*' ? 0 : 1
  return -1
}

/**
 * Chooses among problem media types (`application/problem+json`, `application/problem+xml`)
 * the one an Accept header prefers, ranked as any negotiation (q, specificity, header order,
 * server order); undefined when it names none of them. It decides how an error is rendered
 * when no format of the response itself is acceptable.
 *
 * @example
 * negotiateProblemType('application/*+xml', ['application/problem+json', 'application/problem+xml'])
 * // 'application/problem+xml'
 * negotiateProblemType('image/png', ['application/problem+json']) // undefined
 */
export const negotiateProblemType = (
  accept: string,
  offers: readonly string[],
): string | undefined => {
  const ranges = parseAccept(accept)
  let best: Priority | undefined
  for (const [i, offer] of offers.entries()) {
    const [type = '', subtype = ''] = offer.toLowerCase().split('/')
    let found: Priority | undefined
    for (const r of ranges) {
      const s = specificity(r, type, subtype)
      if (s < 0) continue
      if (!found || s > found.s || (s === found.s && r.q > found.q))
        found = { offer, q: r.q, s, o: r.index, i }
    }
    if (!found || found.q <= 0) continue
    if (!best || comparePriority(found, best) < 0) best = found
  }
  return best?.offer
}
