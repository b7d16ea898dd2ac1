import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { createClient } from '@libsql/client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app/create-app.ts'
import { logAccess } from '../../src/runtime/node/access-log.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { gatewayListener } from '../../src/runtime/node/request-listener.ts'
import { applyMigrations, createStore } from '../../src/store/index.ts'
import { libsqlDatabase } from '../../src/store/libsql.ts'
import { testDeps } from '../support/deterministic.ts'
import { AUTHENTICATE, authenticate, CONTACTS, ORG_TOKEN } from '../support/opencx.ts'

// An export whose store fails after the status went out, through the Node runtime's listener:
// every client must see a body that breaks off, never a document that ends as if whole.
const FAILURE = 'the database file is gone'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.restoreAllMocks()
})

/**
 * The gateway on Node (`gatewayListener` over the app) with a store whose export reader
 * rejects its third batch, as libSQL does when the database file goes away mid-export. Each
 * batch is a few contacts: one chunk of the body.
 *
 * With `slowReader`, the response reports a full socket from its second chunk (the second
 * batch) on, as it does when the client reads slower than the export is written: the bytes
 * go out, but the server waits for `drain`, which comes only with `release()`. So when the
 * store fails, no read of the body is pending. With `origin`, CORS allows it (and rebuilds
 * every response to add its headers). With `accessLog`, each request is logged (ACCESS_LOG).
 * With `compression`, a client that accepts gzip gets it (COMPRESSION).
 */
const serveFailingExport = async ({
  slowReader = false,
  origin = '',
  accessLog = false,
  compression = false,
} = {}) => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  await applyMigrations(db, await readMigrations())
  const store = createStore(db)
  const reading = { batches: 0 }
  const failing = {
    ...store,
    contacts: {
      ...store.contacts,
      exportReader: () => {
        // Every batch is the contacts stored (the real reader's one batch) again.
        const batch = store.contacts.exportReader()()
        return async () => {
          if (++reading.batches === 3) throw new Error(FAILURE)
          return { items: (await batch).items, end: false }
        }
      },
    },
  }
  const { deps, logger } = testDeps(failing, {
    ...(origin ? { corsOrigins: [origin] } : {}),
    compression,
  })
  const app = createApp(deps)
  for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
    const seeded = await app.request(AUTHENTICATE, authenticate({ email }))
    expect(seeded.status).toBe(200)
  }
  const listener = gatewayListener(app.fetch, {
    hostname: '127.0.0.1',
    newTraceId: deps.newTraceId,
    logger: deps.logger,
    compression,
  })
  let outgoing: ServerResponse | undefined
  let full = false
  const server = createServer((req, res) => {
    outgoing = res
    if (slowReader) {
      let writes = 0
      const write = res.write.bind(res) as (...args: unknown[]) => boolean
      res.write = ((...args: unknown[]) => {
        const written = write(...args)
        if (++writes === 2) full = true
        return written && !full
      }) as typeof res.write
    }
    return listener(req, res)
  })
  if (accessLog) logAccess(server, deps.logger)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    logger,
    reading,
    /** Whether the server waits for the client to take what it wrote (no read pending). */
    waitsForDrain: () => full && outgoing!.listenerCount('drain') > 0,
    release: () => {
      full = false
      outgoing!.emit('drain')
    },
  }
}

const failures = (lines: string[]) =>
  lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 'error')

const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(done()).toBe(true)
}

type Served = Awaited<ReturnType<typeof serveFailingExport>>

/** With a slow reader: once the store failed (logged) while the server waited, it drains. */
const releaseAfterFailure = async (server: Served) => {
  await until(() => failures(server.logger.lines).length > 0)
  expect(server.waitsForDrain()).toBe(true)
  server.release()
}

/** What a raw socket gets for `GET /contacts/export` in HTTP/`version`, until it closes. */
const rawExport = (server: Served, version = '1.1', slowReader = false, headers = '') =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    const host = version === '1.1' ? 'Host: 127.0.0.1\r\n' : ''
    const auth = `Authorization: Bearer ${ORG_TOKEN}\r\n`
    socket.write(`GET ${CONTACTS}/export HTTP/${version}\r\n${host}${auth}${headers}\r\n`)
    if (slowReader) releaseAfterFailure(server).catch(reject)
  })

/** `GET /contacts/export` through node:http: what it received and how the response ended. */
const nodeHttpExport = (server: Served) =>
  new Promise<{ res: IncomingMessage; body: string; error: Error | undefined }>(
    (resolve, reject) => {
      const req = request(`${server.base}${CONTACTS}/export`, {
        headers: { Authorization: `Bearer ${ORG_TOKEN}` },
      })
      req.on('response', (res) => {
        let body = ''
        let error: Error | undefined
        res.setEncoding('latin1')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('error', (e) => (error = e))
        res.on('close', () => resolve({ res, body, error }))
      })
      req.on('error', reject)
      req.end()
    },
  )

const READERS = [
  ['slower than the export is written', true],
  ['as fast as it is written', false],
] as const

describe('an export that fails after its status went out, on the Node server', () => {
  it.each(READERS)(
    'ends the connection without the last chunk, for a client reading %s',
    async (_, slowReader) => {
      const errors = vi.spyOn(console, 'error')
      const infos = vi.spyOn(console, 'info')
      const server = await serveFailingExport({ slowReader })
      const text = await rawExport(server, '1.1', slowReader)
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(text).toMatch(/\r\ntransfer-encoding: chunked\r\n/i)
      // What went out before the failure did: the head and the first two batches.
      expect(text).toContain('{"items":[')
      expect(text.match(/"email":"a@example.com"/g)).toHaveLength(2)
      // No last chunk (`0\r\n\r\n`): no client can take what it got for the whole document.
      expect(text.endsWith('\r\n0\r\n\r\n')).toBe(false)
      expect(text).not.toContain('Error')
      expect(text).not.toContain(FAILURE)
      // Nothing on the console: the failure is the gateway's JSON log line (below).
      expect(errors).not.toHaveBeenCalled()
      expect(infos).not.toHaveBeenCalled()
    },
  )

  it('cuts the body too when CORS rebuilt the response to add its headers', async () => {
    const origin = 'https://app.example'
    const server = await serveFailingExport({ slowReader: true, origin })
    const text = await rawExport(server, '1.1', true, `Origin: ${origin}\r\n`)
    expect(text).toMatch(/\r\naccess-control-allow-origin: https:\/\/app\.example\r\n/i)
    expect(text.match(/"email":"a@example.com"/g)).toHaveLength(2)
    expect(text.endsWith('\r\n0\r\n\r\n')).toBe(false)
    expect(text).not.toContain('Error')
  })

  it('cuts a gzipped body too: the gzip stream never ends', async () => {
    // Two small batches are not enough for gzip to write anything but its header: the
    // socket never fills, so only a client reading as fast as the body is written is met.
    const server = await serveFailingExport({ compression: true })
    const text = await rawExport(server, '1.1', false, 'Accept-Encoding: gzip\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(text).toMatch(/\r\ncontent-encoding: gzip\r\n/i)
    expect(text).toMatch(/\r\ntransfer-encoding: chunked\r\n/i)
    expect(text.endsWith('\r\n0\r\n\r\n')).toBe(false)
    expect(failures(server.logger.lines)).toHaveLength(1)
  })

  it('leaves every other response as the adapter sends it: a page keeps its Content-Length', async () => {
    const origin = 'https://app.example'
    const server = await serveFailingExport({ origin })
    for (const headers of [{}, { Origin: origin }]) {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${server.base}${CONTACTS}?limit=2`, {
          headers: { Authorization: `Bearer ${ORG_TOKEN}`, ...headers },
        })
        req.on('response', (res) => res.resume().on('end', () => resolve(res)))
        req.on('error', reject)
        req.end()
      })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-length']).toMatch(/^\d+$/)
      expect(res.headers['transfer-encoding']).toBeUndefined()
    }
  })

  it.each(READERS)('makes fetch reject the body of a client reading %s', async (_, slowReader) => {
    const server = await serveFailingExport({ slowReader })
    const res = await fetch(`${server.base}${CONTACTS}/export`, {
      headers: { Authorization: `Bearer ${ORG_TOKEN}` },
    })
    expect(res.status).toBe(200)
    const body = res.text()
    if (slowReader) await releaseAfterFailure(server)
    await expect(body).rejects.toThrow(TypeError)
  })

  it.each(READERS)(
    'makes node:http report the response aborted, for a client reading %s',
    async (_, slowReader) => {
      const server = await serveFailingExport({ slowReader })
      const answer = nodeHttpExport(server)
      if (slowReader) await releaseAfterFailure(server)
      const { res, body, error } = await answer
      expect(res.statusCode).toBe(200)
      expect(res.complete).toBe(false)
      expect(error?.message).toBe('aborted')
      expect(body.startsWith('{"items":[')).toBe(true)
      expect(body).not.toContain('Error')
    },
  )

  it('logs the failure once, as a JSON line under the trace id the response carries', async () => {
    const server = await serveFailingExport({ slowReader: true })
    const answer = nodeHttpExport(server)
    await releaseAfterFailure(server)
    const { res } = await answer
    expect(failures(server.logger.lines)).toEqual([
      {
        level: 'error',
        message: 'export failed mid-stream',
        traceId: res.headers['x-trace-id'],
        error: `Error: ${FAILURE}`,
      },
    ])
    // No batch is asked for after the failure.
    expect(server.reading.batches).toBe(3)
  })

  it('logs the cut response as not complete, with every byte that went out', async () => {
    const server = await serveFailingExport({ slowReader: true, accessLog: true })
    const text = await rawExport(server, '1.1', true)
    const traceId = /\r\nx-trace-id: ([^\r]+)/i.exec(text)?.[1]
    const logged = () =>
      server.logger.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.message === 'request')
    await until(() => logged().length > 0)
    expect(logged()).toEqual([
      expect.objectContaining({
        traceId,
        method: 'GET',
        path: `${CONTACTS}/export`,
        status: 200,
        bytes: Buffer.byteLength(text, 'latin1'),
        complete: false,
      }),
    ])
  })

  it('closes an HTTP/1.0 connection early, with no error text in the body', async () => {
    const server = await serveFailingExport({ slowReader: true })
    const text = await rawExport(server, '1.0', true)
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    // Neither a length nor chunks: the body ends where the connection does.
    expect(text).not.toMatch(/\r\n(content-length|transfer-encoding):/i)
    expect(text.match(/"email":"a@example.com"/g)).toHaveLength(2)
    expect(text).not.toContain('Error')
    expect(text).not.toContain(FAILURE)
  })
})
