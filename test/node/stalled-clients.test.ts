import Database from 'libsql'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryLogger } from '../support/deterministic.ts'
import { serveOnFile } from '../support/node-server.ts'
import { AUTHENTICATE, authenticate, CONTACTS, ORG_TOKEN } from '../support/opencx.ts'
import { seedBulkContacts } from '../support/bulk-contacts.ts'

// `npm start`'s server with IDLE_TIMEOUT_SECONDS=1, on a file database of 60,000 contacts: an
// export (about 10 MB as JSON) cannot sit in the sockets' buffers, so a client that stops
// reading leaves the server waiting for it.
let served: Awaited<ReturnType<typeof serveOnFile>>
const logger = memoryLogger()
const auth = `Authorization: Bearer ${ORG_TOKEN}\r\n`
const EXPORT = `GET ${CONTACTS}/export HTTP/1.1\r\nHost: gateway\r\n${auth}\r\n`
const LAST_CHUNK = '\r\n0\r\n\r\n'

beforeAll(async () => {
  served = await serveOnFile({ logger, idleTimeoutSeconds: 1 })
  await seedBulkContacts(served.databaseUrl, 60_000)
})
afterAll(() => served.close())

/** A client on a plain socket: what it received, and when the server closed the connection. */
const rawClient = () => {
  const socket = connect(served.port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('error', () => undefined)
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())))
  return {
    socket,
    closed,
    /** Reads everything as it comes (flowing), until `socket.pause()`. */
    flow: () => socket.on('data', (chunk: Buffer) => chunks.push(chunk)),
    /** Takes up to `bytes` of what arrived, as a client reading at its own pace does. */
    take: (bytes: number) => {
      const chunk = socket.read(Math.min(bytes, socket.readableLength)) as Buffer | null
      if (chunk) chunks.push(chunk)
    },
    text: () => Buffer.concat(chunks).toString('latin1'),
  }
}

const until = async (done: () => boolean, ms = 10_000) => {
  for (const start = Date.now(); !done() && Date.now() - start < ms;)
    await new Promise((resolve) => setTimeout(resolve, 10))
  expect(done()).toBe(true)
}

const idleLines = () =>
  logger.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === 'client idle: connection closed')

/** A `PRAGMA wal_checkpoint(TRUNCATE)` on a connection of its own: busy 0 when it completed. */
const checkpoint = () => {
  const db = new Database(served.databaseUrl.slice('file:'.length))
  try {
    return db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number; log: number }
  } finally {
    db.close()
  }
}

/** The export's response (the server side), each time one starts: `closed` once it closes. */
const watchExports = (server: Server) => {
  const responses: { closed: boolean }[] = []
  server.on('request', (request, response) => {
    if (!request.url?.startsWith(`${CONTACTS}/export`)) return
    const watched = { closed: false }
    responses.push(watched)
    response.on('close', () => (watched.closed = true))
  })
  return responses
}

describe('a client that stalls on the Node server', () => {
  it('has its export cut after the idle timeout, logged with its trace id, the store let go', async () => {
    const exports = watchExports(served.server)
    const client = rawClient()
    client.flow()
    // A request first: the connection is idle between the two under keep-alive's timer.
    client.socket.write(`GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n`)
    await until(() => /\r\n\r\n\{[^]*\}$/.test(client.text()))
    const before = client.text().length
    client.socket.write(EXPORT)
    // Stops reading at once: the kernel grows a socket's buffer for a client that reads fast.
    await until(() => client.text().length > before)
    client.socket.pause()
    const pausedAt = Date.now()
    // Stalled, the export holds no read transaction: the WAL checkpoints past its reads.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(exports).toEqual([{ closed: false }])
    expect(checkpoint()).toMatchObject({ busy: 0, log: 0 })

    // The server closes its end; the client, not reading, learns of it when it reads again.
    await until(() => idleLines().length > 0)
    expect(Date.now() - pausedAt).toBeLessThan(5000)
    client.socket.resume()
    await client.closed
    const answer = client.text().slice(before)
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer.endsWith(LAST_CHUNK)).toBe(false)
    const traceId = /\r\nx-trace-id: ([^\r]+)/i.exec(answer)?.[1]
    expect(traceId).toBeTruthy()
    expect(idleLines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        traceId,
        idleSeconds: 1,
        stalled: 'reading the response',
      }),
    ])
    // The response closed, so its stream was cancelled: no batch is read for it any more.
    expect(exports).toEqual([{ closed: true }])
    // The database takes writes and checkpoints, and the next export is whole.
    const written = await fetch(
      `${served.base}${AUTHENTICATE}`,
      authenticate({ email: 'after@example.com' }),
    )
    expect(written.status).toBe(200)
    expect(checkpoint()).toMatchObject({ busy: 0, log: 0 })
    const whole = await fetch(`${served.base}${CONTACTS}/export`, {
      headers: { Authorization: `Bearer ${ORG_TOKEN}` },
    })
    expect(((await whole.json()) as { total: number }).total).toBe(60_001)
  }, 20_000)

  it('is not cut while it reads an export slower than it is written, however long it takes', async () => {
    const lines = idleLines().length
    const client = rawClient()
    client.socket.pause()
    client.socket.write(EXPORT)
    const start = Date.now()
    // About 2 MB/s, a fraction of the export's pace: the server waits for this client all
    // along, for several idle timeouts in all, and sees it take bytes within each.
    while (!client.text().endsWith(LAST_CHUNK) && Date.now() - start < 25_000) {
      client.take(512 * 1024)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(client.text().endsWith(LAST_CHUNK)).toBe(true)
    expect(Date.now() - start).toBeGreaterThan(3000)
    expect(idleLines()).toHaveLength(lines)
    client.socket.destroy()
  }, 30_000)

  it('is answered 408 when its request body stops arriving, logged with the trace id', async () => {
    const body = JSON.stringify({ email: 'slow@example.com' })
    const client = rawClient()
    client.flow()
    client.socket.write(
      `POST ${AUTHENTICATE} HTTP/1.1\r\nHost: gateway\r\n${auth}` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` +
        body.slice(0, 5),
    )
    const start = Date.now()
    await client.closed
    expect(Date.now() - start).toBeLessThan(5000)
    const answer = client.text()
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    const problem = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
      traceId: string
    }
    expect(problem).toMatchObject({ status: 408, code: 1004, instance: AUTHENTICATE })
    expect(idleLines().at(-1)).toMatchObject({
      traceId: problem.traceId,
      stalled: 'sending the request',
    })
    // Nothing else is logged of it, and nothing was stored.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(logger.lines.filter((line) => line.includes('"level":"error"'))).toEqual([])
    const page = await fetch(`${served.base}${CONTACTS}?limit=1`, {
      headers: { Authorization: `Bearer ${ORG_TOKEN}` },
    })
    expect(((await page.json()) as { total: number }).total).toBe(60_001)
  })

  it('keeps an idle keep-alive connection until keepAliveTimeout, unlogged, as before', async () => {
    const lines = idleLines().length
    const client = rawClient()
    client.flow()
    client.socket.write(`GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n`)
    await until(() => /\r\n\r\n\{[^]*\}$/.test(client.text()))
    const answeredAt = Date.now()
    const closedAt = await client.closed
    // Node's default, untouched: 5 s, not the idle timeout's 1 s.
    expect(served.server.keepAliveTimeout).toBe(5000)
    expect(closedAt - answeredAt).toBeGreaterThan(4000)
    expect(idleLines()).toHaveLength(lines)
  }, 15_000)
})
