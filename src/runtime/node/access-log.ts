import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from '../../app/types.ts'
import { rawAnswerOf } from './raw-answers.ts'
import { pathOf, type RefusedAnswer } from './refused-requests.ts'
import { traceIdSent } from './trace-id-sent.ts'

/** What the access log says of one request: never its headers, query or body. */
export interface AccessEntry {
  /** The response's `X-Trace-Id`; null when no answer went out. */
  traceId: string | null
  method: string | null
  /** The target's path, without its query; null when the target names none. */
  path: string | null
  /** null when the connection closed before an answer went out. */
  status: number | null
  /** Written to the connection for this response, status line and headers included. */
  bytes: number
  /** From the request's head being read to the response's end; null when not known. */
  durationMs: number | null
  /** Whether the whole response was handed to the connection: false when it was cut. */
  complete: boolean
}

const ABSOLUTE = /^https?:\/\//i

/**
 * The path a request target names, without its query and fragment: a query may carry
 * personal data (ServiceStack's GET form takes `?EmailAddress=`), so it is never logged. An
 * absolute-form target (`http://host/path`) gives its path alone, never its user information.
 *
 * @example
 * pathOfTarget('/contacts?email=a@example.com') // '/contacts'
 * pathOfTarget('http://user:pw@host/a?b') // '/a'
 */
export const pathOfTarget = (target: string): string | null => {
  if (target === '*') return target
  if (!ABSOLUTE.test(target)) return pathOf(target) || null
  try {
    return new URL(target).pathname
  } catch {
    return null
  }
}

const millis = (ms: number) => Math.round(ms * 1000) / 1000

const write = (logger: Logger, entry: AccessEntry) => logger.info('request', { ...entry })

/** What `logAccess` gives its server. */
export interface AccessLog {
  /** Tells the log of an answer `answerRefusedRequests` wrote itself. */
  told: (stream: Duplex, answer: RefusedAnswer) => void
  /**
   * Resolves once every response begun so far is logged. A stopping server that cut its
   * connections waits for it: their lines are written as the cut reaches each response, a
   * turn of the event loop after the server itself has closed, and a process exiting then
   * would lose them.
   */
  logged: () => Promise<void>
}

/**
 * Logs every response of `server` once it is over (`ACCESS_LOG=on`), as an `info` line
 * `request` with an `AccessEntry`: when it was sent whole, or when its connection closed
 * first (the client went away, or an export was cut on a failure). Requests answered before
 * the app (a missing Host, `Expect`, a 100-continue body over the limit) are logged too. What
 * Node's parser refused is answered by `answerRefusedRequests`, which tells `told`. Nothing
 * is added to a server that does not ask for the log.
 *
 * @example
 * const { told } = logAccess(server, logger)
 * answerRefusedRequests(server, traceIdOf, told)
 */
export const logAccess = (server: Server, logger: Logger): AccessLog => {
  // Responses (and refused answers) not logged yet, and who waits for there being none.
  let open = 0
  let waiting: (() => void)[] = []
  const opened = () => void open++
  const closed = () => {
    if (--open > 0) return
    for (const resolve of waiting) resolve()
    waiting = []
  }
  const track = (request: IncomingMessage, response: ServerResponse) => {
    opened()
    const start = performance.now()
    // A pipelined request's response gets the socket once those before it are over.
    let socket = response.socket
    let from = socket?.bytesWritten ?? 0
    let to: number | undefined
    let logged = false
    const log = () => {
      if (logged) return
      logged = true
      const bytes = (to ?? socket?.bytesWritten ?? from) - from
      // A head only made, never written (its turn on the connection never came), is no answer.
      const head = response.headersSent && bytes > 0
      // Answered on its socket instead (a body that stopped arriving, or that Node's parser
      // refused while the app read it): what the client got.
      const raw = head ? undefined : rawAnswerOf(response)
      write(logger, {
        traceId: (head ? traceIdSent(response) : raw?.traceId) ?? null,
        method: request.method ?? null,
        path: pathOfTarget(request.url ?? ''),
        status: head ? response.statusCode : (raw?.status ?? null),
        bytes,
        durationMs: millis(performance.now() - start),
        complete: to !== undefined || (raw !== undefined && socket?.writableFinished === true),
      })
      closed()
    }
    if (!socket) {
      // Node emits no `close` for a response still queued when the connection closes (the
      // one ahead of it never ended): the connection's own says it is over.
      const connection = request.socket
      connection.once('close', log)
      response.once('socket', (taken: Socket) => {
        connection.off('close', log)
        socket = taken
        from = taken.bytesWritten
      })
    }
    // Ahead of Node's own `finish` listener, which hands the socket to the next response.
    // Node also emits `finish` when the connection is destroyed (the client left, or an idle
    // or stopping server cut it) with the end of the response still in its buffers: not sent.
    response.prependOnceListener('finish', () => {
      if (!socket?.destroyed) to = socket?.bytesWritten ?? from
    })
    response.once('close', log)
  }
  server.prependListener('request', track)
  server.prependListener('checkExpectation', track)
  const told = (stream: Duplex, { status, traceId, method, path }: RefusedAnswer) => {
    const socket = stream as Socket
    const from = socket.bytesWritten ?? 0
    opened()
    socket.once('close', () => {
      write(logger, {
        traceId,
        method,
        path,
        status,
        bytes: (socket.bytesWritten ?? from) - from,
        durationMs: null,
        complete: socket.writableFinished,
      })
      closed()
    })
  }
  const logged = () =>
    open === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))
  return { told, logged }
}
