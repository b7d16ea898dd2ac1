import { mkdtemp, rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseSecrets } from '../../src/config/secrets.ts'
import { startServer } from '../../src/runtime/node/server.ts'
import { API_KEY, memoryLogger, TEST_ENV } from '../support/deterministic.ts'
import { startGateway } from '../support/node-process.ts'
import { SEED_BODY, USERS } from '../support/requests.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const serve = async (accessLog?: ReturnType<typeof memoryLogger>) => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-shutdown-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: `file:${join(dir, 'gateway.db')}`,
    secrets: parseSecrets(TEST_ENV),
    logger: memoryLogger(),
    ...(accessLog ? { accessLog } : {}),
  })
  return { ...server, port: (server.server.address() as AddressInfo).port }
}

/** A POST whose body has not all arrived: a request in progress, as a slow upload is. */
const slowUpload = (port: number) => {
  const socket: Socket = connect(port, '127.0.0.1')
  let answer = ''
  socket.on('data', (chunk) => (answer += chunk))
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  socket.on('error', () => undefined)
  socket.write(
    `POST ${USERS} HTTP/1.1\r\nHost: gateway\r\nX-API-Key: ${API_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${SEED_BODY.length}\r\n\r\n` +
      SEED_BODY.slice(0, 10),
  )
  cleanups.push(async () => socket.destroy())
  return { finish: () => socket.write(SEED_BODY.slice(10)), answer: () => answer, closed }
}

/** The statuses and whole-body flags of the responses in `answer`, one after another. */
const responsesIn = (answer: Buffer) => {
  const found: { status: string; whole: boolean }[] = []
  for (let at = 0; at < answer.length;) {
    const headEnd = answer.indexOf('\r\n\r\n', at) + 4
    const head = answer.toString('latin1', at, headEnd)
    const length = Number(/\r\ncontent-length: (\d+)\r\n/i.exec(head)?.[1])
    found.push({ status: head.slice(9, 12), whole: headEnd + length <= answer.length })
    at = headEnd + length
  }
  return found
}

const settles = async (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))])

describe('stopping the Node server', () => {
  it('lets a request in progress finish within the grace period', async () => {
    const server = await serve()
    const upload = slowUpload(server.port)
    await new Promise((r) => setTimeout(r, 100))
    const closing = server.close(5000)
    upload.finish()
    expect(await settles(closing, 4000)).toBe(true)
    expect(upload.answer()).toMatch(/^HTTP\/1\.1 201 /)
  })

  it('lets a client reading its answers slowly have all of them within the grace period', async () => {
    const server = await serve()
    const socket = connect(server.port, '127.0.0.1')
    cleanups.push(async () => socket.destroy())
    socket.on('error', () => undefined)
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    // Four of Swagger UI's bundle (about 1.5 MB each, written whole) on one connection: more
    // than the sockets' buffers hold, so the last answers wait in the server for the client.
    socket.pause()
    socket.write('GET /docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: gateway\r\n\r\n'.repeat(4))
    await new Promise((r) => setTimeout(r, 300))
    const closing = server.close(10_000)
    const chunks: Buffer[] = []
    let done = false
    void closed.then(() => (done = true))
    while (!done) {
      const chunk = socket.read(Math.min(256 * 1024, socket.readableLength)) as Buffer | null
      if (chunk) chunks.push(chunk)
      await new Promise((r) => setTimeout(r, 20))
    }
    const rest = socket.read() as Buffer | null
    if (rest) chunks.push(rest)
    expect(responsesIn(Buffer.concat(chunks))).toEqual(
      Array.from({ length: 4 }, () => ({ status: '200', whole: true })),
    )
    expect(await settles(closing, 1000)).toBe(true)
  }, 20_000)

  it('does not wait for a connection on which no request was sent', async () => {
    const server = await serve()
    // A browser opens connections ahead of the requests it may send on them (a preconnect).
    const socket = connect(server.port, '127.0.0.1')
    cleanups.push(async () => socket.destroy())
    socket.on('error', () => undefined)
    await new Promise((resolve) => socket.on('connect', resolve))
    await new Promise((r) => setTimeout(r, 100))
    expect(await settles(server.close(5000), 1000)).toBe(true)
  })

  it('has logged the requests it cut by the time it has stopped, so an exit loses none', async () => {
    const accessLog = memoryLogger()
    const server = await serve(accessLog)
    slowUpload(server.port)
    await new Promise((r) => setTimeout(r, 100))
    await server.close(200)
    // `npm start` exits as soon as `close` resolves: the line must be there already.
    const lines = accessLog.lines.map((line) => JSON.parse(line))
    expect(lines).toEqual([
      expect.objectContaining({ message: 'request', method: 'POST', path: USERS, complete: false }),
    ])
  })

  it('closes the connections left once the grace period is over', async () => {
    const server = await serve()
    const upload = slowUpload(server.port)
    await new Promise((r) => setTimeout(r, 100))
    const start = performance.now()
    expect(await settles(server.close(300), 4000)).toBe(true)
    expect(performance.now() - start).toBeGreaterThanOrEqual(250)
    await upload.closed
    expect(upload.answer()).toBe('')
  })
})

describe('npm start and signals', () => {
  it('waits for a request in progress on SIGTERM, and exits at once on a second signal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-signals-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const gateway = await startGateway({ ...TEST_ENV, DATA_DIR: dir })
    cleanups.push(() => gateway.stop())
    const port = Number(new URL(gateway.base).port)
    slowUpload(port)
    await new Promise((r) => setTimeout(r, 200))
    const exited = new Promise((resolve) => gateway.child.on('exit', resolve))
    gateway.child.kill('SIGTERM')
    expect(await settles(exited, 700)).toBe(false) // still serving the upload
    expect(gateway.output()).toContain('"shutting down"')
    gateway.child.kill('SIGINT')
    expect(await settles(exited, 3000)).toBe(true)
    expect(gateway.output()).toContain('"stopping at once"')
    expect(gateway.child.exitCode).toBe(1)
  }, 30_000)

  it('stops on a SIGTERM sent to npm, as a container runtime or a supervisor sends it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-npm-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const gateway = await startGateway({ ...TEST_ENV, DATA_DIR: dir }, { npm: true })
    const exited = new Promise((resolve) => gateway.child.on('exit', resolve))
    gateway.child.kill('SIGTERM')
    expect(await settles(exited, 10_000)).toBe(true)
    // The gateway itself got the signal: it stopped as it does, and serves no more.
    expect(gateway.output()).toContain('"shutting down"')
    await expect(fetch(`${gateway.base}/healthz`)).rejects.toThrow()
  }, 30_000)
})
