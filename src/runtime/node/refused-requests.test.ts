import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { rawExchange } from '../../../test/support/raw-socket.ts'
import { answerRefusedRequests, answerUnmetExpectations } from './refused-requests.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
)

/** A server that answers nothing itself but what `answerRefusedRequests` does; its port. */
const listen = async (options: Parameters<typeof createServer>[0] = {}) => {
  server = createServer(options, () => undefined)
  answerRefusedRequests(server, () => 'api--trace')
  answerUnmetExpectations(server, () => 'api--trace')
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

/** Raw bytes to a server that answers nothing itself, and what comes back until it closes. */
const exchange = async (bytes: string, options: Parameters<typeof createServer>[0] = {}) =>
  rawExchange(await listen(options), bytes)

/** The same, the bytes written in pieces the server reads one at a time (`rawExchange`). */
const exchangeInPieces = async (pieces: string[]) => rawExchange(await listen(), pieces)

/** The status and the problem of a raw answer. */
const problemOf = (text: string) => {
  const at = text.indexOf('\r\n\r\n')
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]),
    head: text.slice(0, at),
    problem: JSON.parse(text.slice(at + 4)) as Record<string, unknown>,
  }
}

const A = (n: number) => 'a'.repeat(n)

describe('answerRefusedRequests', () => {
  it('answers a request whose headers do not arrive in time with a 408 problem, as Node would', async () => {
    const text = await exchange('GET / HTTP/1.1\r\nHost: x\r\n', {
      headersTimeout: 100,
      requestTimeout: 200,
      connectionsCheckingInterval: 50,
    })
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 408,
      code: 1004,
      traceId: 'api--trace',
    })
  })

  it('answers oversized chunk extensions with a 413 problem, as Node would', async () => {
    const extension = `;x=${'a'.repeat(20_000)}`
    const text = await exchange(
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1${extension}\r\n`,
    )
    expect(text).toMatch(/^HTTP\/1\.1 413 /)
    expect(text).toContain('"code":1050')
  })

  it.each([
    ['a URL over 16 KiB', `GET /${A(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, ''],
    ['a query over 16 KiB', `GET /users?q=${A(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, '/users'],
    ['an absolute-form URL over 16 KiB', `GET http://x/${A(20_000)} HTTP/1.1\r\n\r\n`, ''],
  ])('answers %s with a 414 problem, not a 431', async (_, bytes, instance) => {
    const { status, head, problem } = problemOf(await exchange(bytes))
    expect(status).toBe(414)
    expect(head).toMatch(/\r\nconnection: close(\r\n|$)/i)
    expect(problem).toMatchObject({
      type: '/problems/uri-too-long',
      status: 414,
      code: 1052,
      instance,
      traceId: 'api--trace',
    })
  })

  it('answers a URL over 16 KiB read in pieces with a 414 once its end is read', async () => {
    const pieces = [`GET /${A(10_000)}`, `${A(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]
    expect(problemOf(await exchangeInPieces(pieces)).status).toBe(414)
  })

  it.each([
    ['one header over 16 KiB', `GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${A(20_000)}\r\n\r\n`],
    [
      'many headers over 16 KiB together',
      `GET / HTTP/1.1\r\nHost: x\r\n${`X-Pad: ${A(1000)}\r\n`.repeat(20)}\r\n`,
    ],
    [
      'a long URL and headers over 16 KiB together',
      `GET /${A(10_000)} HTTP/1.1\r\nHost: x\r\nX-Pad: ${A(10_000)}\r\n\r\n`,
    ],
  ])('still answers %s with a 431 problem', async (_, bytes) => {
    const { status, problem } = problemOf(await exchange(bytes))
    expect(status).toBe(431)
    expect(problem).toMatchObject({ code: 1051, traceId: 'api--trace' })
  })

  it('answers a header over 16 KiB read in pieces with a 431', async () => {
    const pieces = [`GET /x HTTP/1.1\r\nHost: x\r\nX-Pad: ${A(10_000)}`, `${A(10_000)}\r\n\r\n`]
    expect(problemOf(await exchangeInPieces(pieces)).status).toBe(431)
  })

  it.each([
    ['a GET', 'GET /users?x=1 HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n'],
    [
      'a POST whose body waits',
      'POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: bar\r\n\r\n',
    ],
  ])('answers %s that expects anything but 100-continue with a 417 problem', async (_, bytes) => {
    const text = await exchange(bytes)
    const { status, head, problem } = problemOf(text)
    expect(status).toBe(417)
    expect(head).toMatch(/\r\nconnection: close(\r\n|$)/i)
    expect(head).toMatch(/\r\nx-trace-id: api--trace\r\n/i)
    expect(problem).toEqual({
      type: '/problems/expectation-failed',
      title: 'Expectation Failed',
      status: 417,
      detail: expect.any(String),
      instance: '/users',
      code: 1005,
      traceId: 'api--trace',
      details: {},
    })
    expect(text).not.toContain('100 Continue')
  })
})
