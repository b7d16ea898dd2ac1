import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'

export const TRACE_HEADER = 'X-Trace-Id'

/**
 * Gives every request a trace id: in `c.get('traceId')`, in every problem body, and in the
 * `X-Trace-Id` header of every response, errors included.
 */
export const traceId = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  c.set('traceId', c.get('deps').newTraceId())
  await next()
  c.res.headers.set(TRACE_HEADER, c.get('traceId'))
}
