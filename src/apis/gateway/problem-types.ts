import type { Endpoint } from '../../app/types.ts'
import { collectionInfo } from '../../helper/paginate.ts'
import { respond } from '../../helper/respond.ts'
import { collectionOf } from '../../model/collection.ts'
import { ProblemType } from '../../model/problem.ts'
import { problemTypes } from '../../problems/catalogue.ts'
import { ProblemError } from '../../problems/problem-error.ts'

const ProblemTypes = collectionOf('ProblemTypes', ProblemType)
const page = (slug: string) => `/problems/${slug}`

/**
 * `GET /problems`: the documented catalogue of problem types and codes, as one page of a
 * collection (its total in `X-Total-Count`, first and last links to itself), as OpenAPI
 * describes every collection.
 */
export const listProblemTypes: Endpoint = {
  method: 'GET',
  path: '/problems',
  name: 'problemTypes',
  title: 'The catalogue of problem types and their codes',
  response: ProblemTypes,
  store: false,
  handler: (c) => {
    const items = problemTypes()
    const value = { items, total: items.length, skip: 0, limit: items.length }
    const self = { href: '/problems' }
    return respond(c, ProblemTypes, value, {
      links: { self, first: self, last: self },
      collection: collectionInfo((t: ProblemType) => page(t.slug)),
      headers: { 'X-Total-Count': String(items.length) },
    })
  },
}

/** `GET /problems/{slug}`: what a problem's `type` URI resolves to. */
export const getProblemType: Endpoint = {
  method: 'GET',
  path: '/problems/:slug',
  name: 'problemType',
  title: 'One problem type: its status, code and meaning',
  response: ProblemType,
  store: false,
  handler: (c) => {
    const slug = c.req.param('slug')!
    const type = problemTypes().find((t) => t.slug === slug)
    if (!type) throw new ProblemError('notFound', `There is no problem type "${slug}".`)
    return respond(c, ProblemType, type, {
      links: { self: { href: page(slug) }, collection: { href: '/problems' } },
    })
  },
}
