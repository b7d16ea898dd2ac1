import * as v from 'valibot'
import { named } from './meta.ts'

/** One entry of `details.errors`: where the input is wrong and why. */
export const ProblemError = v.object({
  pointer: v.string(),
  message: v.string(),
})

/**
 * RFC 9457 problem details with Cognigy's members (`code`, `traceId`, `details`). Rendered as
 * `application/problem+json`, `application/problem+xml` or one CSV row.
 */
export const Problem = named(
  'problem',
  v.object({
    type: v.string(),
    title: v.string(),
    status: v.pipe(v.number(), v.integer()),
    detail: v.string(),
    instance: v.string(),
    code: v.pipe(v.number(), v.integer()),
    traceId: v.string(),
    details: v.object({
      errors: v.optional(v.array(ProblemError)),
      accepted: v.optional(v.array(v.string())),
      retryAfterSeconds: v.optional(v.number()),
      header: v.optional(v.string()),
      maxBytes: v.optional(v.number()),
    }),
  }),
)

export type Problem = v.InferOutput<typeof Problem>
export type ProblemDetails = Problem['details']

/** A page of the problem-type catalogue: what a `type` URI resolves to. */
export const ProblemType = named(
  'ProblemType',
  v.object({
    slug: v.string(),
    code: v.pipe(v.number(), v.integer()),
    status: v.pipe(v.number(), v.integer()),
    title: v.string(),
    description: v.string(),
  }),
)

export type ProblemType = v.InferOutput<typeof ProblemType>
