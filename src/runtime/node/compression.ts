import type { IncomingMessage } from 'node:http'
import { pipeline, Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { promisify } from 'node:util'
import { constants, createGzip, gzip, gzipSync } from 'node:zlib'
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress'
import { type SentParts, sentParts } from '../../middleware/response-headers.ts'

const gzipped = promisify(gzip)

/** Bodies shorter than this go out as they are: gzip saves a few hundred bytes at most there. */
const COMPRESSION_THRESHOLD = 1024

/** Past this (a document sent as its chunks), a body is compressed as it goes out, not whole. */
const WHOLE_MAX_BYTES = 1024 * 1024

/**
 * Up to this (every ordinary page), a whole body is compressed at once on the event loop at
 * zlib's fastest level, nginx's default. For a 100-contact JSON page (26 KB) that costs the
 * event loop 28 µs and nothing else; handed to libuv's threads at zlib's default level it cost
 * the event loop 50 µs (a zlib stream set up per call) and all threads 170 µs, for a body
 * 22% smaller (2.7 against 3.4 KB). A larger body goes to libuv's threads at the default level.
 */
const AT_ONCE_MAX_BYTES = 64 * 1024

// Statuses whose responses have no body (RFC 9110 §6.4.1, §15.3.5, §15.4.5), and 206, whose
// range counts the bytes of the content as it is.
const AS_IS = new Set([101, 204, 205, 206, 304])

const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i

/** Whether a body with these headers may be gzipped: a compressible type, not yet encoded. */
const compressible = (
  type: string | null | undefined,
  encoding: string | null | undefined,
  cacheControl: string | null | undefined,
): boolean =>
  !!type &&
  COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) &&
  !encoding &&
  !NO_TRANSFORM.test(cacheControl ?? '')

/**
 * Whether `Accept-Encoding` lets gzip through (RFC 9110 §12.5.3): `gzip` (or its alias
 * `x-gzip`) with a weight above 0, or else `*` with one. Codings are case-insensitive; an
 * entry whose weight is not a valid qvalue is skipped. No header, or an empty one, asks for
 * the content as it is.
 *
 * @example
 * acceptsGzip('gzip, deflate, br') // true
 * acceptsGzip('br;q=1, gzip;q=0') // false
 * acceptsGzip('*;q=0.5') // true
 */
export const acceptsGzip = (header: string | undefined): boolean => {
  if (!header) return false
  let named: number | undefined
  let any: number | undefined
  for (const entry of header.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((part) => part.trim())
    let weight = 1
    for (const param of params) {
      const match = /^q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i.exec(param)
      if (match) weight = Number(match[1])
      else if (/^q\s*=/i.test(param)) weight = Number.NaN
    }
    if (Number.isNaN(weight)) continue
    const name = coding.toLowerCase()
    if (name === 'gzip' || name === 'x-gzip') named = Math.max(named ?? 0, weight)
    else if (name === '*') any = weight
  }
  return (named ?? any ?? 0) > 0
}

/**
 * The response as a client that accepts gzip gets it (`COMPRESSION`, on by default): a body of
 * a compressible type (text, JSON, XML, CSV, HTML, JavaScript: hono's list) and at least
 * `COMPRESSION_THRESHOLD` bytes goes out gzipped, with `Content-Encoding: gzip`. A body the
 * gateway wrote whole (`whole`, up to 1 MiB) is compressed at once (`AT_ONCE_MAX_BYTES`) and
 * keeps a Content-Length; a stream (an export, a document past 1 MiB) is compressed as the
 * client reads it, its pace reaching the stream as before, and is sent chunked. A response
 * without a body, one already encoded and one marked `no-transform` go as they are, and so
 * does every response to a client that does not ask, at no cost. So does a HEAD, with the
 * length of the content as it is (as hono's `compress` and Express's `compression` answer
 * it): its compressed length is known only by compressing a body a HEAD does not have. `Vary:
 * Accept-Encoding` is the app's (`AppDeps.compression`), on compressed responses and the rest
 * alike.
 *
 * gzip only: brotli (`br`) writes text smaller, but at its fast qualities at half gzip's
 * speed, with a window of megabytes per response, where an export already keeps the cores
 * busy.
 *
 * @example
 * const res = compressed(await app.fetch(request), incoming, true)
 */
export const compressed = (
  res: Response,
  incoming: IncomingMessage,
  whole: boolean,
): Response | Promise<Response> => {
  if (!acceptsGzip(incoming.headers['accept-encoding'])) return res
  if (incoming.method === 'HEAD' || AS_IS.has(res.status)) return res
  // Built by `send` from a string or bytes (every page and resource, every problem): read as
  // given, so a body too short to compress costs nothing and the answer keeps plain headers.
  const sent = sentParts(res)
  if (sent && (typeof sent.body === 'string' || sent.body instanceof Uint8Array))
    return gzipSent(res, sent.body, sent)
  if (!res.body) return res
  const headers = res.headers
  const length = headers.get('Content-Length')
  if (
    !compressible(
      headers.get('Content-Type'),
      headers.get('Content-Encoding'),
      headers.get('Cache-Control'),
    ) ||
    (length !== null && Number(length) < COMPRESSION_THRESHOLD)
  )
    return res
  const answer = new Headers(headers)
  answer.set('Content-Encoding', 'gzip')
  const init = { status: res.status, statusText: res.statusText, headers: answer }
  if (whole && (length === null || Number(length) <= WHOLE_MAX_BYTES)) return gzipWhole(res, init)
  answer.delete('Content-Length')
  return new Response(gzipStream(res.body), init)
}

/**
 * `body` gzipped as it is read, through zlib's own stream (compressing on libuv's threads).
 * Not `CompressionStream`, which in Node 22 leaves every chunk it took as memory outside V8's
 * heap until a full collection, which that memory does not prompt: gzipping 200 MB took a
 * process from 47 to 271 MB of RSS (74 MB through zlib's stream), and 1,000,000 contacts'
 * CSV export grew the gateway by 230 MB. Either side's end ends both: a client that goes away
 * cancels `body`.
 */
const gzipStream = (body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> => {
  const compressor = createGzip()
  pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), compressor, () => undefined)
  return Readable.toWeb(compressor) as ReadableStream<Uint8Array>
}

// zlib's buffers are never shared memory.
type Zipped = Buffer<ArrayBuffer>

/** `body` gzipped: at once up to `AT_ONCE_MAX_BYTES`, else on libuv's threads. */
const gzipOf = (body: string | Uint8Array, length: number): Zipped | Promise<Zipped> =>
  length <= AT_ONCE_MAX_BYTES
    ? (gzipSync(body, { level: constants.Z_BEST_SPEED }) as Zipped)
    : (gzipped(body) as Promise<Zipped>)

/** A response `send` built, gzipped from the body it was given, with its plain headers. */
const gzipSent = (res: Response, body: string | Uint8Array, { status, headers }: SentParts) => {
  const type = headers['Content-Type']
  if (!compressible(type, headers['Content-Encoding'], headers['Cache-Control'])) return res
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  if (length < COMPRESSION_THRESHOLD) return res
  const answer = (zipped: Zipped) =>
    new Response(zipped, {
      status,
      headers: {
        ...headers,
        'Content-Encoding': 'gzip',
        'Content-Length': String(zipped.byteLength),
      },
    })
  const zipped = gzipOf(body, length)
  return zipped instanceof Promise ? zipped.then(answer) : answer(zipped)
}

const gzipWhole = async (res: Response, init: ResponseInit & { headers: Headers }) => {
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytes.byteLength < COMPRESSION_THRESHOLD) return new Response(bytes, res)
  const body = await gzipOf(bytes, bytes.byteLength)
  init.headers.set('Content-Length', String(body.byteLength))
  return new Response(body, init)
}
