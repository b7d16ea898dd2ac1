import { connect } from 'node:net'
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { memoryLogger } from '../../../test/support/deterministic.ts'
import { rawExchange } from '../../../test/support/raw-socket.ts'
import { cutStalledClients } from './stalled-clients.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
)

/** A server answering with `listener`, cutting clients idle for a second; its port and log. */
const listen = async (listener: RequestListener, options: ServerOptions = {}) => {
  const logger = memoryLogger()
  server = createServer(options, listener)
  cutStalledClients(server, { idleSeconds: 1, newTraceId: () => 'api--trace', logger })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as { port: number }).port, logger }
}

describe('cutStalledClients', () => {
  it('leaves a connection alone while the server itself takes longer than the timeout', async () => {
    const { port, logger } = await listen((_, response) => {
      setTimeout(() => response.writeHead(200, { 'Content-Length': '2' }).end('ok'), 1500)
    })
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/)
    expect(logger.lines).toEqual([])
  })

  it("leaves a request head that does not arrive to Node's headersTimeout, as before", async () => {
    const { port, logger } = await listen(() => undefined, {
      headersTimeout: 1500,
      requestTimeout: 1500,
      connectionsCheckingInterval: 100,
    })
    // No 408 after the idle second: Node answers it (here without `answerRefusedRequests`).
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(logger.lines).toEqual([])
  })

  it('closes a connection on which nothing arrives for the timeout, silently', async () => {
    const { port, logger } = await listen(() => undefined)
    // Node's headersTimeout counts from a request's first byte: it never closes this one.
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk) => (received += chunk.toString('latin1')))
    const start = Date.now()
    const closed = await new Promise<boolean>((resolve) => {
      socket.on('close', () => resolve(true))
      setTimeout(() => resolve(false), 3000)
    })
    socket.destroy()
    expect(closed).toBe(true)
    expect(Date.now() - start).toBeGreaterThanOrEqual(900)
    expect(received).toBe('')
    expect(logger.lines).toEqual([])
  })
})
