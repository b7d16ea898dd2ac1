import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app/types.ts'
import { ProblemError } from '../problems/problem-error.ts'

/**
 * The request body size limit (`Limits.bodyBytes`): a larger body is the 413 problem, refused
 * from its Content-Length or as soon as the bytes read pass the limit.
 *
 * @example
 * app.post('/users', limitBody(1024 * 1024), handler)
 */
export const limitBody = (maxSize: number): MiddlewareHandler<AppEnv> => {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new ProblemError(
        'payloadTooLarge',
        `The request body is larger than ${maxSize} bytes.`,
        {
          details: { maxBytes: maxSize },
        },
      )
    },
  })
  // What throws here is the limit's own reading (a chunked body is read through): the
  // handlers after it answer their own errors, and the 413 is a problem already.
  return async (c, next) => {
    try {
      return await limit(c, next)
    } catch (error) {
      throw error instanceof ProblemError ? error : brokenOff()
    }
  }
}

/**
 * A body whose stream failed before its end: the client closed the connection during the
 * upload (Node: "aborted", Workers: "Network connection lost"). A 400, not an internal error:
 * nothing is wrong with the gateway, and nothing is stored.
 */
export const brokenOff = (): ProblemError =>
  new ProblemError(
    'malformedBody',
    'The request body broke off before its end: the connection closed during the upload.',
  )

const done = async () => {}

// One middleware per limit: built once, not per request.
const byLimit = new Map<number, MiddlewareHandler<AppEnv>>()

/**
 * The same limit applied by a handler that reads the body itself (`ReadBodyOptions.limit`), so
 * that a body over it is one of the handler's own failures (a ServiceStack DTO).
 *
 * @example
 * await enforceBodyLimit(c) // throws the 413 problem
 */
export const enforceBodyLimit = async (c: Context<AppEnv>): Promise<void> => {
  const maxSize = c.get('limits').bodyBytes
  let limit = byLimit.get(maxSize)
  if (!limit) byLimit.set(maxSize, (limit = limitBody(maxSize)))
  await limit(c, done)
}
