import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ProblemDetails } from '../model/problem.ts'
import { catalogue, type ProblemKind } from './catalogue.ts'

export interface ProblemErrorOptions {
  details?: ProblemDetails
  headers?: Record<string, string>
  cause?: unknown
}

/**
 * The gateway's one error type: a catalogue kind plus what this occurrence adds. Thrown
 * anywhere; `app.onError` renders it in the negotiated format family.
 *
 * @example
 * throw new ProblemError('notFound', 'No AmazonUser with _id 42.')
 */
export class ProblemError extends HTTPException {
  readonly kind: ProblemKind
  readonly detail: string
  readonly details: ProblemDetails
  readonly headers: Record<string, string>

  constructor(kind: ProblemKind, detail: string, options: ProblemErrorOptions = {}) {
    super(catalogue[kind].status as ContentfulStatusCode, { message: detail, cause: options.cause })
    this.kind = kind
    this.detail = detail
    this.details = options.details ?? {}
    this.headers = options.headers ?? {}
  }
}
