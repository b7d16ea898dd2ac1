import type { ServerResponse } from 'node:http'
import { isExportStream } from '../../helper/export-stream.ts'
import { sentWhole } from '../../middleware/response-headers.ts'

// Statuses whose responses have no body (RFC 9110 §6.4.1, §15.3.5, §15.4.5).
const NO_BODY = new Set([101, 204, 205, 304])

/**
 * A stream of `body`'s chunks that, when `body` fails, ends `outgoing`'s connection once what
 * was written has gone out, and never fails itself: the adapter, when a response's stream
 * fails while it waits for the socket to drain (a client slower than the server), writes
 * `Error: <message>` into the body, ends it with HTTP/1.1's last chunk as if it were whole,
 * and prints the stack on stderr. The export reports its failure itself (logged with its trace
 * id); here the response is only cut.
 */
const cutStream = (
  body: ReadableStream<Uint8Array>,
  outgoing: ServerResponse,
): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  let failed = false
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (failed) return
        let chunk: ReadableStreamReadResult<Uint8Array>
        try {
          chunk = await reader.read()
        } catch {
          failed = true
          // Not `destroy()`, which drops what is still buffered: the client gets every byte
          // written before the failure, then the end of the connection without a last chunk.
          // The read the adapter is waiting on ends when the socket closes (it cancels).
          outgoing.socket?.destroySoon()
          return
        }
        if (chunk.done) controller.close()
        else controller.enqueue(chunk.value)
      },
      cancel: (reason) => reader.cancel(reason).catch(() => undefined),
    },
    // Nothing read ahead: `body` keeps its own queue, and the client's pace reaches it.
    { highWaterMark: 0 },
  )
}

/**
 * The app's response as Node sends it: an export's stream that fails after the status went
 * out (its store fails mid-way) ends the connection without HTTP/1.1's last chunk, so every
 * client sees a body cut short (curl exits 18, node:http emits `aborted`, `fetch` rejects),
 * whether it reads faster or slower than the server writes. Over HTTP/1.0 the body has no
 * length or chunks to break: the connection closes early, and that is all a client sees.
 *
 * Every other response is left as it is. Those `send` built, and those without a body, are
 * not even asked for their `body`: the adapter's lightweight `Response` builds a whole one for
 * that (~15 µs). Only an export's stream is wrapped: any other body keeps the adapter's way
 * with it (a short one in a `Response` already built is sent with its Content-Length).
 *
 * @example
 * getRequestListener(async (request, env) =>
 *   cutOnFailure(await app.fetch(request, env), env.outgoing),
 * )
 */
export const cutOnFailure = (res: Response, outgoing: ServerResponse): Response => {
  if (sentWhole(res) || outgoing.req.method === 'HEAD' || NO_BODY.has(res.status)) return res
  const body = res.body
  if (!isExportStream(body)) return res
  return new Response(cutStream(body, outgoing), {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  })
}
