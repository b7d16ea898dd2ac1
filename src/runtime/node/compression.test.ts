import type { IncomingMessage } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../app/types.ts'
import { send } from '../../middleware/response-headers.ts'
import { acceptsGzip, compressed } from './compression.ts'

const incoming = (acceptEncoding: string, method = 'GET') =>
  ({ method, headers: { 'accept-encoding': acceptEncoding } }) as unknown as IncomingMessage

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br, zstd', true],
    ['GZIP;Q=0.5', true],
    ['x-gzip', true],
    ['br;q=1.0, gzip;q=0.001', true],
    ['*', true],
    ['br, *;q=0.1', true],
    ['', false],
    ['identity', false],
    ['br, deflate', false],
    ['gzip;q=0', false],
    ['gzip;q=0.000', false],
    ['*;q=0', false],
    ['gzip;q=0, *', false],
    ['*, gzip;q=0', false],
    // A weight that is no qvalue: the entry is skipped, as an invalid media range is.
    ['gzip;q=2', false],
    ['gzip;q=.5', false],
    ['gzip;q=0.5x, *;q=0', false],
  ])('reads Accept-Encoding %j as %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected)
  })

  it('reads no header as the content as it is', () => {
    expect(acceptsGzip(undefined)).toBe(false)
  })
})

describe('compressed', () => {
  const csv = new TextEncoder().encode('id,name\r\n'.repeat(2000))

  it('passes the client going away on to the stream it compresses', async () => {
    let cancelled: unknown
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(csv),
      cancel: (reason) => void (cancelled = reason ?? 'cancelled'),
    })
    const res = await compressed(
      new Response(source, { headers: { 'Content-Type': 'text/csv' } }),
      incoming('gzip'),
      false,
    )
    expect(res.headers.get('Content-Encoding')).toBe('gzip')
    const reader = res.body!.getReader()
    expect((await reader.read()).done).toBe(false)
    await reader.cancel('gone')
    // The pipe into the compressor sees its end a turn of the event loop later.
    for (let i = 0; i < 100 && cancelled === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(cancelled).toBeDefined()
  })

  it('compresses a whole body at once and says its new length', async () => {
    const res = await compressed(
      new Response(csv, { status: 201, headers: { 'Content-Type': 'text/csv', 'X-Kept': 'yes' } }),
      incoming('gzip'),
      true,
    )
    const body = Buffer.from(await res.arrayBuffer())
    expect(res.status).toBe(201)
    expect(res.headers.get('X-Kept')).toBe('yes')
    expect(res.headers.get('Content-Length')).toBe(String(body.byteLength))
    expect(gunzipSync(body).equals(Buffer.from(csv))).toBe(true)
  })

  it.each([
    ['a type that is not text', { 'Content-Type': 'image/png' }],
    ['a body already encoded', { 'Content-Type': 'text/csv', 'Content-Encoding': 'br' }],
    ['no-transform', { 'Content-Type': 'text/csv', 'Cache-Control': 'public, no-transform' }],
    ['no Content-Type', {}],
  ])('leaves %s as it is', async (_, headers: Record<string, string>) => {
    const res = new Response(csv, { headers })
    expect(await compressed(res, incoming('gzip'), true)).toBe(res)
  })

  it('leaves a whole body under 1 KiB as it is, though its length was not said', async () => {
    const res = await compressed(
      new Response('id\r\n1\r\n', { headers: { 'Content-Type': 'text/csv' } }),
      incoming('gzip'),
      true,
    )
    expect(res.headers.get('Content-Encoding')).toBeNull()
    expect(await res.text()).toBe('id\r\n1\r\n')
  })

  describe('a response `send` built', () => {
    const app = new Hono<AppEnv>().get('/:n', (c) =>
      send(c, '{"a":"é"}'.repeat(Number(c.req.param('n'))), 201, {
        'Content-Type': 'application/json; charset=utf-8',
      }),
    )

    it('is left as the very response when its body is under 1 KiB', async () => {
      const res = await app.request('/50')
      expect(await compressed(res, incoming('gzip'), true)).toBe(res)
    })

    it('is gzipped from the body it was given, keeping its status and headers', async () => {
      const plain = await app.request('/500')
      const res = await compressed(await app.request('/500'), incoming('gzip'), true)
      const body = Buffer.from(await res.arrayBuffer())
      expect(res.status).toBe(201)
      expect(res.headers.get('Content-Encoding')).toBe('gzip')
      expect(res.headers.get('Content-Length')).toBe(String(body.byteLength))
      expect(gunzipSync(body).toString()).toBe(await plain.text())
      for (const [name, value] of plain.headers) expect(res.headers.get(name)).toBe(value)
    })
  })
})
