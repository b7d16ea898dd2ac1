import type { Context } from 'hono'
import type { AppEnv, Logger } from '../app/types.ts'
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

/** A thrown value as text; one whose `toString` fails (`Object.create(null)`) by its tag. */
const textOf = (value: unknown): string => {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * Logs an error no handler expected, under the trace id its 500 names: the one place its
 * message and stack go, since the client sees neither. Used by `onError` and by what answers
 * before the app (the Node adapter), so that every 500 is found in the log the same way.
 *
 * @example
 * logUnhandled(logger, 'api--…', error)
 */
export const logUnhandled = (logger: Logger, traceId: string, error: unknown): void => {
  const known = error instanceof Error
  logger.error('unhandled error', {
    traceId,
    error: known ? error.name : typeof error,
    // Not `message`: that would overwrite the log line's own message.
    errorMessage: known ? error.message : textOf(error),
    stack: known ? error.stack : undefined,
  })
}

/**
 * A 503 problem that asks the client to retry after `RETRY_AFTER_SECONDS` (header and
 * `details`): storage unavailable, or a database without the latest migration.
 *
 * @example
 * throw serviceUnavailable('Storage is unavailable; retry shortly.')
 */
export const serviceUnavailable = (detail: string): ProblemError =>
  new ProblemError('serviceUnavailable', detail, {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    details: { retryAfterSeconds: RETRY_AFTER_SECONDS },
  })

/**
 * The 503 an unavailable store is, logged with its cause under the trace id: what `onError`
 * renders, and what an operation that answers failures in its DTO puts there (`reply`).
 *
 * @example
 * return renderProblem(c, storeUnavailable(c, error)) // a 503 with Retry-After
 */
export const storeUnavailable = (
  c: Context<AppEnv>,
  error: StoreUnavailableError,
): ProblemError => {
  // Its message says why when the gateway itself found out (a file replaced under it, which
  // takes a restart); a driver's failure says it in the cause.
  c.get('deps').logger.warn('store unavailable', {
    traceId: c.get('traceId'),
    reason: error.message,
    ...(error.cause === undefined ? {} : { cause: describeCause(error.cause) }),
  })
  return serviceUnavailable('Storage is unavailable; retry shortly.')
}

/**
 * The 500 an unexpected error is, logged with its message and stack under the trace id it
 * names: what `onError` renders, and what an operation that answers failures in its DTO puts
 * there (`reply`). Nothing of the error reaches the client.
 *
 * @example
 * return renderProblem(c, internalError(c, error)) // 'Internal error; trace id api--….'
 */
export const internalError = (c: Context<AppEnv>, error: unknown): ProblemError => {
  logUnhandled(c.get('deps').logger, c.get('traceId'), error)
  return new ProblemError('internal', `Internal error; trace id ${c.get('traceId')}.`)
}

/**
 * The app's one error handler. Known problems render as such; an unavailable store is a 503
 * with Retry-After; anything else is logged with its trace id and becomes a bare 500 — no
 * stack, no message, no secret reaches the client.
 */
export const onError = (error: Error, c: Context<AppEnv>): Response => {
  if (error instanceof ProblemError) return renderProblem(c, error)
  if (error instanceof StoreUnavailableError) return renderProblem(c, storeUnavailable(c, error))
  return renderProblem(c, internalError(c, error))
}
