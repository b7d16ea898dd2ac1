import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { rawExchange } from '../../../test/support/raw-socket.ts'
import { answerRefusedRequests } from './refused-requests.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
)

/** Raw bytes to a server that answers nothing itself, and what comes back until it closes. */
const exchange = async (bytes: string, options: Parameters<typeof createServer>[0] = {}) => {
  server = createServer(options, () => undefined)
  answerRefusedRequests(server, () => 'api--trace')
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return rawExchange(port, bytes)
}

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
})
