import type { Context } from 'hono'

/**
 * `work`, which must run to its end even if the client goes away first: on Workers it is
 * passed to the invocation's `waitUntil`, as the runtime cancels whatever else a request still
 * awaits once its client disconnects (it then has up to 30 seconds more). Node runs a
 * request's work to its end whatever the client does, and has no execution context.
 *
 * @example
 * return await outliveClient(c, deliverAndRecord())
 */
export const outliveClient = <T>(c: Context, work: Promise<T>): Promise<T> => {
  let context: { waitUntil(promise: Promise<unknown>): void } | undefined
  try {
    context = c.executionCtx
  } catch {
    // No execution context (Node, `app.request`): nothing cancels the request's work.
  }
  // Its failure is the caller's to handle; the runtime only waits for it to settle.
  context?.waitUntil(work.catch(() => undefined))
  return work
}
