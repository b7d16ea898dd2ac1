import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { StoreUnavailableError } from '../store/sql.ts'
import { ProblemError } from './problem-error.ts'
import { renderProblem } from './render.ts'

/** How long a client is asked to wait when storage is unavailable (the 503). */
export const RETRY_AFTER_SECONDS = 5

/** A driver error as one line with its code (`SQLITE_BUSY: database is locked`), for the log. */
const describeCause = (cause: unknown): string => {
  const code = (cause as { code?: unknown } | undefined)?.code
  const text = String(cause)
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text
}

/**
 * The app's one error handler. Known problems render as such; an unavailable store is a 503
 * with Retry-After; anything else is logged with its trace id and becomes a bare 500 — no
 * stack, no message, no secret reaches the client.
 */
export const onError = (error: Error, c: Context<AppEnv>): Response => {
  if (error instanceof ProblemError) return renderProblem(c, error)
  if (error instanceof StoreUnavailableError) {
    c.get('deps').logger.warn('store unavailable', {
      traceId: c.get('traceId'),
      cause: describeCause(error.cause),
    })
    return renderProblem(
      c,
      new ProblemError('serviceUnavailable', 'Storage is unavailable; retry shortly.', {
        headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
        details: { retryAfterSeconds: RETRY_AFTER_SECONDS },
      }),
    )
  }
  c.get('deps').logger.error('unhandled error', {
    traceId: c.get('traceId'),
    error: error.name,
    // Not `message`: that would overwrite the log line's own message.
    errorMessage: error.message,
    stack: error.stack,
  })
  return renderProblem(
    c,
    new ProblemError('internal', `Internal error; trace id ${c.get('traceId')}.`),
  )
}
