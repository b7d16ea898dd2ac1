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
export const limitBody = (maxSize: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({
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

const done = async () => {}

/**
 * The same limit applied by a handler that reads the body itself (`ReadBodyOptions.limit`), so
 * that a body over it is one of the handler's own failures (a ServiceStack DTO).
 *
 * @example
 * await enforceBodyLimit(c) // throws the 413 problem
 */
export const enforceBodyLimit = async (c: Context<AppEnv>): Promise<void> => {
  await limitBody(c.get('limits').bodyBytes)(c, done)
}
