import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { getRequestListener, type HttpBindings, RequestError } from '@hono/node-server'
import { METHOD_ORDER } from '../../app/method-not-allowed.ts'
import type { Logger } from '../../app/types.ts'
import { SECURITY_HEADERS, TRACE_HEADER } from '../../middleware/response-headers.ts'
import { logUnhandled } from '../../problems/on-error.ts'
import { compressed } from './compression.ts'
import { cutOnFailure } from './cut-on-failure.ts'
import { pathOf, refusal, sendRefusal } from './refused-requests.ts'

/** Every method some route serves: what `OPTIONS *` (the server as a whole) answers. */
const SERVER_METHODS = METHOD_ORDER.join(', ')

const hasBody = (request: IncomingMessage): boolean => {
  const length = request.headers['content-length']
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  )
}

/**
 * The Host lines of a request. Node keeps the first of several; a proxy in front may have
 * taken another, so two are refused (RFC 9112 §3.2), as a missing one is in HTTP/1.1.
 */
const hostLines = (raw: readonly string[]): number => {
  let count = 0
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === 4 && name.toLowerCase() === 'host') count++
  }
  return count
}

/** What `gatewayListener` answers with besides the app. */
export interface GatewayListenerOptions {
  /** The listening address: the URL of a request without Host (HTTP/1.0). */
  hostname: string
  newTraceId: () => string
  /** Where a 500 the app did not answer itself is logged, with its trace id. */
  logger: Logger
  /** Gzip what a client accepts gzipped (`compressed`); off when not given. */
  compression?: boolean
}

/**
 * `@hono/node-server`'s listener for the gateway's `fetch`, with what the adapter leaves to
 * Node answered as the gateway answers everything (a problem with a trace id):
 *
 * - a request the adapter cannot make a `Request` of (an invalid Host, a target that is no
 *   path) is a 400 `malformed-request`, where the adapter sends a bare 400;
 * - an HTTP/1.1 request without Host, or any with two, is that 400 too (RFC 9112 §3.2), where
 *   the adapter would serve it (under the listening address, or the first Host);
 * - `OPTIONS *` (RFC 9110 §9.3.7) is answered for the server as a whole: 204 and `Allow`;
 * - an answer given before the request's body arrived (a 401 or a 413 ahead of a large upload)
 *   says `Connection: close` (RFC 9112 §9.6): the adapter gives up draining such a body after
 *   500 ms and drops the connection, which a client that was told keep-alive would reuse;
 * - anything else the app throws instead of answering is a 500 `internal` problem, logged with
 *   its trace id as the app's own 500s are (`logUnhandled`), where the adapter sends a bare
 *   500;
 * - an export that fails after the status went out ends the connection without the last
 *   chunk (`cutOnFailure`), where the adapter may end the body as if whole, after error text;
 * - with `compression`, a client that accepts gzip gets it (`compressed`).
 *
 * @example
 * createServer(gatewayListener(app.fetch, { hostname: '127.0.0.1', newTraceId, logger }))
 */
export const gatewayListener = (
  fetch: (request: Request, env: HttpBindings) => Response | Promise<Response>,
  { hostname, newTraceId, logger, compression = false }: GatewayListenerOptions,
): RequestListener => {
  const sent = (answer: Response, env: HttpBindings) => {
    const cut = cutOnFailure(answer, env.outgoing)
    // Only an export's stream is wrapped by `cutOnFailure`: any other body was written whole.
    return compression ? compressed(cut, env.incoming, cut === answer) : cut
  }
  const served = (request: Request, env: HttpBindings) => {
    const res = fetch(request, env)
    return res instanceof Promise ? res.then((answer) => sent(answer, env)) : sent(res, env)
  }
  // The gateway's server is HTTP/1 (`createServer`): its bindings are never HTTP/2's.
  const listener = getRequestListener(served as Parameters<typeof getRequestListener>[0], {
    hostname,
    errorHandler: (error) => {
      const traceId = newTraceId()
      let refused: ReturnType<typeof refusal>
      if (error instanceof RequestError) {
        const text = 'The Host header or the request target is not valid.'
        refused = refusal('malformedRequest', text, '', traceId)
      } else {
        logUnhandled(logger, traceId, error)
        refused = refusal('internal', `Internal error; trace id ${traceId}.`, '', traceId)
      }
      const { status, headers, body } = refused
      return new Response(body, { status, headers: { ...headers, Connection: 'close' } })
    },
  })
  return (request, response) => {
    if (request.url === '*') {
      const traceId = newTraceId()
      if (request.method !== 'OPTIONS') {
        const text = '`*` is a request target for OPTIONS only.'
        sendRefusal(response, refusal('malformedRequest', text, '', traceId))
        return
      }
      response.writeHead(204, {
        ...SECURITY_HEADERS,
        Vary: 'Accept',
        [TRACE_HEADER]: traceId,
        Allow: SERVER_METHODS,
      })
      response.end()
      return
    }
    const hosts = hostLines(request.rawHeaders)
    if (hosts > 1 || (hosts === 0 && request.httpVersionMinor >= 1)) {
      const text =
        hosts > 1 ? 'A request may name only one Host.' : 'An HTTP/1.1 request needs a Host header.'
      sendRefusal(response, refusal('malformedRequest', text, pathOf(request.url!), newTraceId()))
      return
    }
    if (hasBody(request)) {
      const writeHead = response.writeHead
      response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
        if (!request.complete) this.shouldKeepAlive = false
        return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args)
      } as typeof response.writeHead
    }
    return listener(request, response)
  }
}
