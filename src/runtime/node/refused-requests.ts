import { maxHeaderSize, type ServerResponse, STATUS_CODES, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { json } from '../../formats/json.ts'
import { SECURITY_HEADERS, TRACE_HEADER } from '../../middleware/response-headers.ts'
import { Problem } from '../../model/problem.ts'
import { catalogue, type ProblemKind, problemTypeUri } from '../../problems/catalogue.ts'
import { answeredRaw } from './raw-answers.ts'
import { responseOn } from './response-on.ts'

const CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/**
 * The path of a request target, without its query (or a fragment), when the target reads as
 * one (origin-form, printable ASCII); empty otherwise. A problem's `instance`, the access log's
 * `path`.
 */
export const pathOf = (target: string): string =>
  /^\/[\x21-\x7e]*$/.test(target) ? target.split(/[?#]/, 1)[0]! : ''

/**
 * The path of the request line Node could not parse, when its target reads as one and is
 * there whole: a target cut off by the end of what is read (a URL too long) names no path.
 */
const targetOf = (packet: Buffer | undefined): string => {
  const line = packet?.toString('latin1', 0, Math.min(packet.length, 2048)).split('\r\n', 1)[0]
  const [, target = '', after] = line?.split(' ', 3) ?? []
  if (after === undefined && !target.includes('?')) return ''
  return pathOf(target)
}

const LF = 0x0a
// A request line's start (a method, then an origin-form or absolute-form target) and end.
const REQUEST_LINE_START = /^[A-Z][A-Z-]* (?:\/|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/
const REQUEST_LINE_END = /^ HTTP\/\d\.\d\r?$/

/** The method of the request line Node could not parse, when the packet starts with one. */
const methodOf = (packet: Buffer | undefined): string | null => {
  const start = packet?.toString('latin1', 0, Math.min(packet.length, 80)) ?? ''
  return REQUEST_LINE_START.test(start) ? start.slice(0, start.indexOf(' ')) : null
}

/**
 * Whether Node's header overflow (its limit counts the request line and the header fields
 * together) came while it read the request line: the line the parser stopped in, within the
 * bytes it read last, starts as a request line does, or goes on from there with only its
 * ` HTTP/1.1` (Node checks the limit when the target ends). A header line can do neither. When
 * those bytes lie wholly inside one line, a head that arrived in several reads, they cannot
 * tell: that stays a 431.
 */
const overflowsInRequestLine = (packet: Buffer | undefined, at: number | undefined): boolean => {
  if (!packet) return false
  const stop = Math.min(Math.max(at ?? packet.length, 0), packet.length)
  const start = stop === 0 ? 0 : packet.lastIndexOf(LF, stop - 1) + 1
  const next = packet.indexOf(LF, stop)
  const end = next < 0 ? packet.length : next
  if (REQUEST_LINE_START.test(packet.toString('latin1', start, Math.min(end, start + 80))))
    return true
  return end - stop <= 16 && REQUEST_LINE_END.test(packet.toString('latin1', stop, end))
}

const INVALID: [ProblemKind, string] = ['malformedRequest', 'The request is not valid HTTP/1.1.']
const URI_TOO_LONG: [ProblemKind, string] = [
  'uriTooLong',
  `The request line is longer than ${maxHeaderSize / 1024} KiB.`,
]

/** Node's parser errors the gateway answers otherwise than `INVALID`, as Node would. */
const REFUSALS: Record<string, [ProblemKind, string]> = {
  HPE_HEADER_OVERFLOW: [
    'headerTooLarge',
    `The request's header section is larger than ${maxHeaderSize / 1024} KiB.`,
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: ['payloadTooLarge', "The body's chunk extensions are too large."],
  ERR_HTTP_REQUEST_TIMEOUT: ['requestTimeout', 'The request did not arrive in time.'],
}

/**
 * A problem+json answer for a request refused before the app could see it, with the headers
 * every gateway response carries (trace id, security headers).
 *
 * @example
 * const { status, headers, body } = refusal('headerTooLarge', 'Too large.', '/', 'api--…')
 */
export const refusal = (kind: ProblemKind, detail: string, instance: string, traceId: string) => {
  const entry = catalogue[kind]
  const body = json.serialize(
    Problem,
    {
      type: problemTypeUri(kind),
      title: entry.title,
      status: entry.status,
      detail,
      instance,
      code: entry.code,
      traceId,
      details: {},
    },
    { mediaType: 'application/json', links: {}, problem: true, maxDepth: 8 },
  )
  // `Vary` as on every other answer, though this one is JSON whatever Accept asks. Never
  // stored: the request may have carried credentials, which nothing here reads to know.
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPE,
    Vary: 'Accept',
    'Cache-Control': 'no-store',
    [TRACE_HEADER]: traceId,
  }
  return { status: entry.status, headers, body }
}

/**
 * Writes a `refusal` as the answer to a request Node has parsed, and closes the connection
 * after it: a body the request may still send is not read.
 *
 * @example
 * sendRefusal(response, refusal('malformedRequest', 'No Host.', '', traceId))
 */
export const sendRefusal = (
  response: ServerResponse,
  { status, headers, body }: ReturnType<typeof refusal>,
): void => {
  response.shouldKeepAlive = false
  response.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) })
  response.end(body)
}

/**
 * A `refusal` as the bytes of a whole HTTP/1.1 response that closes its connection: for a
 * socket whose request Node's parser did not (or did not wholly) hand over, where no
 * `ServerResponse` can answer.
 *
 * @example
 * socket.end(rawRefusal(refusal('requestTimeout', 'Too slow.', '', traceId)))
 */
export const rawRefusal = ({ status, headers, body }: ReturnType<typeof refusal>): string => {
  const head = Object.entries({
    ...headers,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`
}

/** What the gateway answers a parser error with: the problem kind and its detail, if any. */
const refusalFor = (
  error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number },
): [ProblemKind, string] | [] => {
  const code = error.code ?? ''
  if (code === 'HPE_HEADER_OVERFLOW' && overflowsInRequestLine(error.rawPacket, error.bytesParsed))
    return URI_TOO_LONG
  return REFUSALS[code] ?? (code.startsWith('HPE_') ? INVALID : [])
}

/** What `answerRefusedRequests` tells of an answer it writes itself (the access log). */
export interface RefusedAnswer {
  status: number
  traceId: string
  /** The request line's method and path, when the packet Node stopped in starts with it. */
  method: string | null
  path: string | null
}

// Responses whose connection gets a refusal once they are over.
const answerAfter = new WeakSet<ServerResponse>()

/**
 * Answers what Node's HTTP parser refuses (`clientError`) as the gateway answers everything:
 * a problem with a trace id, instead of Node's bare status line. A head over Node's limit
 * (`maxHeaderSize`, 16 KiB) is a 414 when the request line reached it alone (a URL too long),
 * else a 431; a request not in by Node's `requestTimeout` a 408, oversized chunk extensions a
 * 413; bytes that are not HTTP (a bad request line, a control character in a header, a broken
 * chunk in a body) are a 400. The connection is closed after the answer, as Node does: the
 * parser cannot tell where the next request would start. Bytes that follow a request the app
 * is still answering are refused after its answer; a socket already answering a request that
 * did not arrive whole, or reset, is only closed.
 *
 * @example
 * answerRefusedRequests(server, traceIdOf)
 */
export const answerRefusedRequests = (
  server: Server,
  newTraceId: () => string,
  /**
   * Told of each answer to a request no response was made for, before it is written
   * (`logAccess`); one made for the request the answer replaces is told through `answeredRaw`.
   */
  told?: (socket: Duplex, answer: RefusedAnswer) => void,
): void => {
  server.on('clientError', (error: Parameters<typeof refusalFor>[0], socket) => {
    const stream = socket as Duplex
    const response = responseOn(stream)
    const [kind, detail] = refusalFor(error)
    if (!kind || !stream.writable) {
      stream.destroy()
      return
    }
    // What is not HTTP follows a request that arrived whole (a Content-Length short of its
    // body, a pipelined request that is no request): that one is the app's, and its answer
    // goes out first, as pipelining orders them; this one's after it. Answered in its place,
    // a client would read that a write the app went on to commit had failed.
    if (response?.req.complete) {
      // The parser stays broken: more bytes on the connection would call this again.
      if (answerAfter.has(response)) return
      answerAfter.add(response)
      const traceId = newTraceId()
      const answer = refusal(kind, detail!, '', traceId)
      response.once('finish', () => {
        if (!stream.writable) return
        told?.(stream, { status: answer.status, traceId, method: null, path: null })
        stream.end(rawRefusal(answer))
      })
      return
    }
    // As Node's own answer: not once a response began (a bad chunk in a body being read can
    // come after the app answered), nor to a reset.
    if (response?.headersSent) {
      stream.destroy()
      return
    }
    const instance = targetOf(error.rawPacket)
    const traceId = newTraceId()
    const answer = refusal(kind, detail!, instance, traceId)
    // Refused while the app read its body (a broken chunk, Node's `requestTimeout`): the answer
    // of the response the app has not sent, as the access log reads it.
    if (response) answeredRaw(response, { status: answer.status, traceId })
    else {
      // A path only from a request line: the packet may start inside the header section.
      const method = told ? methodOf(error.rawPacket) : null
      told?.(stream, { status: answer.status, traceId, method, path: (method && instance) || null })
    }
    stream.end(rawRefusal(answer))
  })
}

/**
 * Answers a request whose `Expect` is anything but `100-continue` (Node's `checkExpectation`)
 * with a 417 problem and a trace id, where Node would send a bare 417; the request is not
 * served (RFC 9110 §10.1.1), and its body, if any, not read.
 *
 * @example
 * answerUnmetExpectations(server, traceIdOf)
 */
export const answerUnmetExpectations = (server: Server, newTraceId: () => string): void => {
  server.on('checkExpectation', (request, response: ServerResponse) => {
    const detail = 'The Expect header asks for something other than 100-continue.'
    const instance = pathOf(request.url ?? '')
    sendRefusal(response, refusal('expectationFailed', detail, instance, newTraceId()))
  })
}
