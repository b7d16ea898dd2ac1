import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'

/**
 * A check a request passes before its route, synchronously: it reads the request, may set
 * context variables, and throws a `ProblemError` to refuse it.
 */
export type Guard = (c: Context<AppEnv>) => void

/**
 * Runs guards in order as one middleware. Each middleware layer costs a request about half a
 * microsecond of CPU on Node (an async dispatch and its promise) whatever it does; checks that
 * never wait need none of that.
 *
 * @example
 * app.use(guards(headerLimits, negotiate))
 */
export const guards =
  (...checks: Guard[]): MiddlewareHandler<AppEnv> =>
  (c, next) => {
    for (const check of checks) check(c)
    return next()
  }
