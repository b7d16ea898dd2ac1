import { json } from '../formats/json.ts'
import { essence, formats, problemOnlyTypes } from '../formats/registry.ts'
import type { Format } from '../formats/types.ts'
import type { ProblemKind } from '../problems/catalogue.ts'
import type { Operation } from './operations.ts'
import { problemMediaTypes } from './problem-samples.ts'

/**
 * Where the gateway raises a problem, which decides what it can be written in: before
 * negotiation (the header limits), when negotiation failed (a format the URL names that does
 * not exist or disagrees, nothing acceptable), or on the route, in the negotiated family.
 */
type Stage = 'headers' | 'negotiation' | 'route'

const STAGES: Partial<Record<ProblemKind, Stage>> = {
  headerTooLarge: 'headers',
  unknownFormat: 'negotiation',
  notAcceptable: 'negotiation',
}

const problemTypeOf = (format: Format) => essence(format.problemContentType)

/**
 * The problem media types a problem of `kind` can have when `op` answers it, in the order of
 * `problemMediaTypes()`. Before negotiation it is problem+json whatever Accept says (what
 * `renderProblem` writes with no format); when negotiation failed, the problem type Accept
 * names (problem+xml) or problem+json; on the route, the family of a format the operation
 * serves. An operation that serves only some formats (`Endpoint.formats`) answers a format
 * it does not serve with a 406 in that format's family (`offerOnly`): the export's 406 to a
 * browser is a page.
 *
 * @example
 * problemMediaTypesOf('headerTooLarge', op) // ['application/problem+json']
 * problemMediaTypesOf('unauthorized', op)
 * // ['application/problem+json', 'application/problem+xml', 'text/csv', 'text/html']
 */
export const problemMediaTypesOf = (kind: ProblemKind, op: Operation): string[] => {
  const keys = op.endpoint.formats
  const serves = (format: Format) => !keys || keys.includes(format.key)
  const stage = STAGES[kind] ?? 'route'
  const types = new Set<string>(stage === 'route' ? [] : [problemTypeOf(json)])
  if (stage === 'negotiation') for (const type of problemOnlyTypes().keys()) types.add(type)
  if (kind === 'notAcceptable')
    for (const format of formats.filter((f) => !serves(f))) types.add(problemTypeOf(format))
  if (stage === 'route')
    for (const format of formats.filter(serves)) types.add(problemTypeOf(format))
  return problemMediaTypes()
    .map(([type]) => type)
    .filter((type) => types.has(type))
}
