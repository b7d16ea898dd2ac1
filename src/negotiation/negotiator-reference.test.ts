import fc from 'fast-check'
import Negotiator from 'negotiator'
import { describe, expect, it } from 'vitest'
import { negotiateMediaType } from './negotiate.ts'

// The gateway's offers, in server order (src/formats/registry.ts).
const OFFERS = [
  'application/json',
  'application/hal+json',
  'application/xml',
  'text/xml',
  'text/csv',
] as const

const reference = (accept: string | undefined, offers: readonly string[]): string | undefined =>
  new Negotiator({ headers: accept === undefined ? {} : { accept } }).mediaType([...offers])

const randomCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''))

// Types and subtypes that hit the offers, near-miss them, or are wildcards. `*/sub` is left
// out: we skip it as invalid (RFC 9110 has no such range), negotiator reads it as `*/*`-ish.
const typeRange = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('application', 'text', 'image'),
      fc.constantFrom('json', 'hal+json', 'xml', 'csv', 'html', 'png', '*'),
    )
    .map(([type, subtype]) => `${type}/${subtype}`),
  fc.constant('*/*'),
)

// Valid qvalues only (RFC 9110 §12.4.2, plus the bare `.5` both accept): negotiator takes any
// parseFloat-able text (`q=2`, `q=abc`), where we skip the range.
const qvalue = fc.oneof(
  fc.constantFrom('0', '1', '0.5', '1.0', '1.000', '0.001', '.5', '.25'),
  fc
    .integer({ min: 0, max: 1000 })
    .map((n) => (n === 1000 ? '1' : `0.${String(n).padStart(3, '0')}`)),
)

const range = fc
  .record({
    type: typeRange.chain(randomCase),
    q: fc.option(fc.tuple(fc.constantFrom('', ' '), fc.constantFrom('', ' '), qvalue), {
      nil: undefined,
    }),
  })
  .map(({ type, q }) => (q ? `${type}${q[0]};${q[1]}q=${q[2]}` : type))

// Where both must agree: no media-type parameters (ours never let one prevent a match, as SPEC
// §3 wants for `charset`; negotiator requires it to equal the offer's), each range at most
// once (on equally specific duplicates negotiator ranks by the last copy, we by the first),
// and at least one range (an empty header is JSON for us, nothing for negotiator).
const acceptHeader = fc
  .uniqueArray(range, {
    minLength: 1,
    maxLength: 8,
    selector: (r) => r.split(';')[0]!.trim().toLowerCase(),
  })
  .chain((ranges) =>
    fc
      .array(fc.constantFrom(',', ', ', ' ,', ',\t'), {
        minLength: ranges.length - 1,
        maxLength: ranges.length - 1,
      })
      .map((seps) => ranges.map((r, i) => (i === 0 ? r : `${seps[i - 1]}${r}`)).join('')),
  )

const offerList = fc.shuffledSubarray([...OFFERS], { minLength: 1 })

describe('negotiation against negotiator (jshttp) as a reference', () => {
  it('chooses the same media type for generated Accept headers', () => {
    fc.assert(
      fc.property(acceptHeader, fc.constant(OFFERS), (accept, offers) => {
        expect(negotiateMediaType(accept, offers)).toBe(reference(accept, offers))
      }),
      { numRuns: 2000 },
    )
  })

  it('chooses the same among any subset of offers in any server order', () => {
    fc.assert(
      fc.property(acceptHeader, offerList, (accept, offers) => {
        expect(negotiateMediaType(accept, offers)).toBe(reference(accept, offers))
      }),
      { numRuns: 2000 },
    )
  })

  it('agrees that no Accept header means the first offer', () => {
    fc.assert(
      fc.property(offerList, (offers) => {
        expect(negotiateMediaType(undefined, offers)).toBe(reference(undefined, offers))
      }),
    )
  })

  it('never throws, and answers an offer or nothing, for any header at all', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          acceptHeader.map((a) => a + '"'),
        ),
        (accept) => {
          const chosen = negotiateMediaType(accept, OFFERS)
          expect(chosen === undefined || OFFERS.includes(chosen as never)).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
