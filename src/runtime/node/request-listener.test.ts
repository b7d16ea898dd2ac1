import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { memoryLogger } from '../../../test/support/deterministic.ts'
import { rawExchange } from '../../../test/support/raw-socket.ts'
import { gatewayListener } from './request-listener.ts'

let server: Server | undefined
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
)

/** The listener over a `fetch` that fails as given, listening; what a GET to it answers. */
const answerOf = async (fetch: (request: Request) => Response | Promise<Response>) => {
  const logger = memoryLogger()
  const listener = gatewayListener(fetch, {
    hostname: '127.0.0.1',
    newTraceId: () => 'api--trace',
    logger,
  })
  server = createServer(listener)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const res = await globalThis.fetch(`http://127.0.0.1:${port}/healthz`)
  return { res, text: await res.text(), logger }
}

describe('gatewayListener', () => {
  it.each([
    [
      'throws',
      () => {
        throw new Error('secret-token-in-message')
      },
    ],
    ['rejects', () => Promise.reject(new TypeError('secret-token-in-message'))],
  ])(
    'answers an app that %s with a 500 problem, and logs the error under its trace id',
    async (_, fetch) => {
      const { res, text, logger } = await answerOf(fetch)
      expect(res.status).toBe(500)
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8')
      expect(res.headers.get('x-trace-id')).toBe('api--trace')
      expect(res.headers.get('connection')).toBe('close')
      expect(JSON.parse(text)).toMatchObject({ status: 500, code: 1099, traceId: 'api--trace' })
      expect(text).not.toContain('secret-token')
      expect(text).not.toMatch(/\bat /)
      const lines = logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'error',
          message: 'unhandled error',
          traceId: 'api--trace',
          errorMessage: 'secret-token-in-message',
          stack: expect.stringContaining('request-listener.test.ts'),
        }),
      ])
    },
  )

  it('logs a thrown value that is no Error by its text', async () => {
    const { res, logger } = await answerOf(() => Promise.reject('a string'))
    expect(res.status).toBe(500)
    expect(logger.lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ traceId: 'api--trace', error: 'string', errorMessage: 'a string' }),
    ])
  })

  it('answers a Host the adapter cannot read with a 400 problem, and logs nothing', async () => {
    const { logger } = await answerOf(() => new Response('ok'))
    const { port } = server!.address() as { port: number }
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 400 /)
    expect(text).toContain('"code":1003')
    expect(logger.lines).toEqual([])
  })
})
