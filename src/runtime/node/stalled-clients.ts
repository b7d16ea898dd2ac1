import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from '../../app/types.ts'
import { answeredRaw } from './raw-answers.ts'
import { pathOf, rawRefusal, refusal } from './refused-requests.ts'
import { responseOn } from './response-on.ts'
import { traceIdSent } from './trace-id-sent.ts'

/**
 * How long a client may leave a request idle unless configured (IDLE_TIMEOUT_SECONDS): as
 * nginx's `send_timeout` and `client_body_timeout`, a minute.
 */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60

/** What `cutStalledClients` needs besides the server. */
export interface StalledClientsOptions {
  /** Seconds without a byte read from or written to a connection mid-request. */
  idleSeconds: number
  newTraceId: () => string
  logger: Logger
}

/**
 * Closes a connection whose client holds a request up for `idleSeconds` with nothing read
 * from it or written to it: one that stopped reading the response (an export it asked for
 * and left, which would otherwise hold the socket, its buffers and the export open for ever),
 * or stopped sending its request's body (answered 408, as Node's `requestTimeout` answers,
 * but without waiting its 5 minutes). The time counts from the last byte either way, never
 * the request's whole length: a client that reads a download slowly but steadily is not cut,
 * as Node's socket timer restarts on every read and write, and also on a write the kernel
 * takes only part of. A response cut short ends without HTTP/1.1's last chunk, so it never
 * looks whole, and one JSON line logs it with its trace id.
 *
 * Node's own timers are left as they are: between requests its `keepAliveTimeout` (5 s)
 * takes the place of this timer and closes the connection silently, as before; a request
 * head begun and not finished is Node's `headersTimeout` (60 s, a 408); a connection on which
 * no byte arrives at all is closed silently after `idleSeconds`; a connection on which
 * the server itself is at work (an answer being computed, a batch being read) is not idle.
 *
 * @example
 * cutStalledClients(server, { idleSeconds: 60, newTraceId: traceIdOf, logger })
 */
export const cutStalledClients = (
  server: Server,
  { idleSeconds, newTraceId, logger }: StalledClientsOptions,
): void => {
  // Node arms it on every connection (`socket.setTimeout`), and after a keep-alive pause
  // sets it again for the next request.
  server.timeout = idleSeconds * 1000
  // With a listener here Node no longer destroys a connection that times out: this does.
  server.on('timeout', (socket: Socket) => {
    const response = responseOn(socket)
    if (!response) {
      // After a response: Node's keep-alive timer ran out. A head begun is Node's
      // `headersTimeout`'s to answer (a 408); but that timer starts at a head's first byte,
      // so a connection that never sent one would be held for ever: it asked for nothing,
      // and is closed as an idle keep-alive one is.
      if (socket.bytesWritten > 0 || socket.bytesRead === 0) socket.destroy()
      return
    }
    const request = response.req
    const stalledSending = !request.complete
    // Bytes the client has not taken; none means the server is at work, not waiting for it.
    if (!stalledSending && socket.writableLength === 0) return
    if (stalledSending && !response.headersSent && socket.writable) {
      const traceId = newTraceId()
      const detail = `Nothing of the request arrived for ${idleSeconds} s.`
      const instance = pathOf(request.url ?? '')
      logger.warn('client idle: connection closed', {
        traceId,
        idleSeconds,
        stalled: 'sending the request',
      })
      const answer = refusal('requestTimeout', detail, instance, traceId)
      answeredRaw(response, { status: answer.status, traceId })
      socket.write(rawRefusal(answer))
      socket.destroySoon()
      return
    }
    logger.warn('client idle: connection closed', {
      traceId: traceIdSent(response),
      idleSeconds,
      stalled: stalledSending ? 'sending the request' : 'reading the response',
    })
    // Not `destroySoon`: what is buffered would wait for the client that stopped reading.
    // The adapter cancels the response's stream when it closes: an export reads no more.
    socket.destroy()
  })
}
