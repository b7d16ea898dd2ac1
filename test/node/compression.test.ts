import { type IncomingMessage, request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveOnFile } from '../support/node-server.ts'
import { AUTHENTICATE, CONTACTS, ORG_TOKEN } from '../support/opencx.ts'

const auth = { Authorization: `Bearer ${ORG_TOKEN}` }
const GZIP = { 'Accept-Encoding': 'gzip, deflate, br' }

/** A response through node:http, which never decodes a body: its head and its bytes as sent. */
const raw = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Promise<{ res: IncomingMessage; body: Buffer }>((resolve, reject) => {
    const req = request(url, { method, headers: { ...auth, ...headers } })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })

const seed = async (base: string, contacts: Record<string, unknown>[]) => {
  for (const contact of contacts) {
    const res = await fetch(`${base}${AUTHENTICATE}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(contact),
    })
    expect(res.status).toBe(200)
  }
}

const FORMATS = ['application/json', 'application/hal+json', 'application/xml', 'text/csv']

describe('responses on the Node server with COMPRESSION on', () => {
  let server: Awaited<ReturnType<typeof serveOnFile>>
  beforeAll(async () => {
    server = await serveOnFile({ compression: true })
    const contacts = Array.from({ length: 30 }, (_, i) => ({ email: `user${i}@example.com` }))
    await seed(server.base, contacts)
  })
  afterAll(() => server.close())

  it.each(FORMATS)(
    'gzips a %s page for a client that accepts gzip: the same document, with its length',
    async (accept) => {
      const url = `${server.base}${CONTACTS}?limit=100`
      const plain = await raw(url, { Accept: accept })
      const zipped = await raw(url, { Accept: accept, ...GZIP })
      expect(plain.res.headers['content-encoding']).toBeUndefined()
      expect(zipped.res.headers['content-encoding']).toBe('gzip')
      expect(Number(zipped.res.headers['content-length'])).toBe(zipped.body.byteLength)
      expect(zipped.body.byteLength).toBeLessThan(plain.body.byteLength / 3)
      expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString())
      expect(zipped.res.headers['content-type']).toBe(plain.res.headers['content-type'])
      // A cache keeps the two apart.
      for (const { res } of [plain, zipped]) expect(res.headers.vary).toMatch(/Accept-Encoding/)
    },
  )

  it.each(FORMATS)('streams a gzipped %s export, chunked: the same document', async (accept) => {
    const url = `${server.base}${CONTACTS}/export`
    const plain = await raw(url, { Accept: accept })
    const zipped = await raw(url, { Accept: accept, ...GZIP })
    expect(zipped.res.headers['content-encoding']).toBe('gzip')
    expect(zipped.res.headers['transfer-encoding']).toBe('chunked')
    expect(zipped.res.headers['content-length']).toBeUndefined()
    expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString())
  })

  it('sends as they are: a body under 1 KiB, a HEAD, and a client that refuses gzip', async () => {
    const small = await raw(`${server.base}/healthz`, GZIP)
    expect(small.body.byteLength).toBeLessThan(1024)
    expect(small.res.headers['content-encoding']).toBeUndefined()
    const url = `${server.base}${CONTACTS}?limit=100`
    const plain = await raw(url)
    const head = await raw(url, GZIP, 'HEAD')
    expect(head.res.headers['content-encoding']).toBeUndefined()
    expect(head.res.headers['content-length']).toBe(String(plain.body.byteLength))
    for (const refusing of ['gzip;q=0, br, deflate', 'identity', '*;q=0', 'br']) {
      const { res, body } = await raw(url, { 'Accept-Encoding': refusing })
      expect(res.headers['content-encoding'], refusing).toBeUndefined()
      expect(body.equals(plain.body), refusing).toBe(true)
    }
    const { res } = await raw(url, { 'Accept-Encoding': '*' })
    expect(res.headers['content-encoding']).toBe('gzip')
  })

  it('answers fetch, which asks for gzip by default and decodes it itself', async () => {
    const res = await fetch(`${server.base}${CONTACTS}?limit=100`, { headers: auth })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(((await res.json()) as { total: number }).total).toBe(30)
  })
})

describe('pages over 1 MiB with COMPRESSION on', () => {
  let server: Awaited<ReturnType<typeof serveOnFile>>
  beforeAll(async () => {
    server = await serveOnFile({ compression: true })
    // customData holds at most 16 KiB: 80 contacts near it make a page of over 1 MiB.
    const note = (i: number) => `${i}${'x'.repeat(15_000)}`
    const contacts = Array.from({ length: 80 }, (_, i) => ({
      email: `big${i}@example.com`,
      customData: { note: note(i) },
    }))
    await seed(server.base, contacts)
  })
  afterAll(() => server.close())

  it.each(['application/xml', 'text/csv'])(
    'gzips a %s page as it goes out: chunked, the same document',
    async (accept) => {
      const url = `${server.base}${CONTACTS}?limit=100`
      const plain = await raw(url, { Accept: accept })
      expect(plain.body.byteLength).toBeGreaterThan(1024 * 1024)
      expect(plain.res.headers['content-length']).toBe(String(plain.body.byteLength))
      const zipped = await raw(url, { Accept: accept, ...GZIP })
      expect(zipped.res.headers['content-encoding']).toBe('gzip')
      expect(zipped.res.headers['transfer-encoding']).toBe('chunked')
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true)
    },
  )
})

describe('responses on the Node server with COMPRESSION off', () => {
  it('sends every body as it is, and varies on Accept alone', async () => {
    const server = await serveOnFile()
    try {
      await seed(server.base, [{ email: 'a@example.com' }, { email: 'b@example.com' }])
      const { res } = await raw(`${server.base}${CONTACTS}/export`, GZIP)
      expect(res.headers['content-encoding']).toBeUndefined()
      expect(res.headers.vary).toBe('Accept')
    } finally {
      await server.close()
    }
  })
})
