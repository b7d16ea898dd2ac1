import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { json } from '../../formats/json.ts'
import { SECURITY_HEADERS, TRACE_HEADER } from '../../middleware/response-headers.ts'
import { Problem } from '../../model/problem.ts'
import { catalogue, type ProblemKind, problemTypeUri } from '../../problems/catalogue.ts'

const CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** The request target of a request line Node could not parse, when it reads as a path. */
const targetOf = (packet: Buffer | undefined): string => {
  const line = packet?.toString('latin1', 0, Math.min(packet.length, 2048)).split('\r\n', 1)[0]
  const target = line?.split(' ')[1] ?? ''
  return /^\/[\x21-\x7e]*$/.test(target) ? target.split('?', 1)[0]! : ''
}

const INVALID: [ProblemKind, string] = ['malformedRequest', 'The request is not valid HTTP/1.1.']

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
  const headers = { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPE, [TRACE_HEADER]: traceId }
  return { status: entry.status, headers, body }
}

/**
 * Answers what Node's HTTP parser refuses (`clientError`) as the gateway answers everything:
 * a problem with a trace id, instead of Node's bare status line. A header section over Node's
 * limit (`maxHeaderSize`, 16 KiB) is a 431, a request not in by Node's `requestTimeout` a 408,
 * oversized chunk extensions a 413; bytes that are not HTTP (a bad request line, a
 * control character in a header, a broken chunk in a body) are a 400. The connection is
 * closed after the answer, as Node does: the parser cannot tell where the next request would
 * start. A socket already answering, or reset, is only closed.
 *
 * @example
 * answerRefusedRequests(server, traceIdOf)
 */
export const answerRefusedRequests = (server: Server, newTraceId: () => string): void => {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    const stream = socket as Duplex & { _httpMessage?: { headersSent?: boolean } }
    const code = error.code ?? ''
    const [kind, detail] = REFUSALS[code] ?? (code.startsWith('HPE_') ? INVALID : [])
    // As Node's own answer: not once a response began (a bad chunk in a body being read can
    // come after the app answered), nor to a reset.
    if (!kind || !stream.writable || stream._httpMessage?.headersSent) {
      stream.destroy()
      return
    }
    const { status, headers, body } = refusal(
      kind,
      detail!,
      targetOf(error.rawPacket),
      newTraceId(),
    )
    const head = Object.entries({
      ...headers,
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')
    stream.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`)
  })
}
