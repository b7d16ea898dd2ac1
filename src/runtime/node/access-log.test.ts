import { request } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { API_KEY, memoryLogger } from '../../../test/support/deterministic.ts'
import { serveOnFile } from '../../../test/support/node-server.ts'
import { CONTACTS, ORG_TOKEN } from '../../../test/support/opencx.ts'
import { rawExchange } from '../../../test/support/raw-socket.ts'
import { SEED_BODY, USERS } from '../../../test/support/requests.ts'
import { pathOfTarget } from './access-log.ts'
import { seedBulkContacts } from '../../../test/support/bulk-contacts.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** The Node server with `ACCESS_LOG` as given, and the access lines it has logged so far. */
const serve = async (accessLog: boolean, config: Parameters<typeof serveOnFile>[0] = {}) => {
  const logger = memoryLogger()
  const server = await serveOnFile({
    ...config,
    logger,
    ...(accessLog ? { accessLog: logger } : {}),
  })
  cleanups.push(server.close)
  const entries = () =>
    logger.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'request')
  return { ...server, logger, entries }
}

/** Waits (up to 5 s) for `count` access lines: each is written as its socket closes. */
const until = async <T>(entries: () => T[], count: number) => {
  for (let i = 0; i < 500 && entries().length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 10))
  return entries()
}

const EMAIL = 'someone.private@example.com'

describe('the access log', () => {
  it('logs each request once, with its response trace id, and no query or credential', async () => {
    const server = await serve(true)
    const get = await fetch(`${server.base}/CognitoSendConfirmCodeRequest?EmailAddress=${EMAIL}`)
    const getBody = await get.arrayBuffer()
    const post = await fetch(`${server.base}${USERS}?note=${EMAIL}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': API_KEY },
      body: SEED_BODY,
    })
    await post.arrayBuffer()
    const list = await fetch(`${server.base}${CONTACTS}?limit=5`, {
      headers: { Authorization: `Bearer ${ORG_TOKEN}` },
    })
    await list.arrayBuffer()
    expect([get.status, post.status, list.status]).toEqual([200, 201, 200])

    const entries = await until(server.entries, 3)
    const line = (method: string, path: string, status: number, res: Response) => ({
      level: 'info',
      message: 'request',
      traceId: res.headers.get('x-trace-id'),
      method,
      path,
      status,
      bytes: expect.any(Number),
      durationMs: expect.any(Number),
      complete: true,
    })
    expect(entries).toEqual([
      line('GET', '/CognitoSendConfirmCodeRequest', 200, get),
      line('POST', USERS, 201, post),
      line('GET', CONTACTS, 200, list),
    ])
    expect(entries[0]!.traceId).toMatch(/^api--/)
    // The head and the body: more than the body alone.
    expect(entries[0]!.bytes).toBeGreaterThan(getBody.byteLength)
    for (const entry of entries) expect(entry.durationMs).toBeGreaterThan(0)
    const text = JSON.stringify(entries)
    for (const secret of [EMAIL, 'EmailAddress', 'limit=', '?', API_KEY, ORG_TOKEN, 'Bearer'])
      expect(text).not.toContain(secret)
    expect(text).not.toMatch(/x-api-key|authorization/i)
  })

  it('counts every byte written for a response, status line and headers included', async () => {
    const server = await serve(true)
    const text = await rawExchange(
      server.port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    const [entry] = await until(server.entries, 1)
    expect(entry).toMatchObject({ path: '/healthz', status: 200, complete: true })
    expect(entry!.bytes).toBe(Buffer.byteLength(text, 'latin1'))
  })

  it('counts each of two pipelined responses on one connection apart', async () => {
    const server = await serve(true)
    const head = (path: string, last = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${last}\r\n`
    const text = await rawExchange(
      server.port,
      head('/healthz') + head('/problems', 'Connection: close\r\n'),
    )
    const second = text.indexOf('HTTP/1.1 200', 1)
    const entries = await until(server.entries, 2)
    expect(entries.map(({ path, bytes }) => ({ path, bytes }))).toEqual([
      { path: '/healthz', bytes: second },
      { path: '/problems', bytes: Buffer.byteLength(text, 'latin1') - second },
    ])
  })

  it('logs an export the client leaves mid-download as not complete', async () => {
    const server = await serve(true)
    // Enough contacts that the export (about 8 MB) cannot sit in the socket's buffers.
    await seedBulkContacts(server.databaseUrl, 30_000)
    const traceId = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.base}${CONTACTS}/export?limit=1`, {
        headers: { Authorization: `Bearer ${ORG_TOKEN}` },
      })
      req.on('response', (res) => {
        res.once('data', () => {
          req.destroy()
          resolve(String(res.headers['x-trace-id']))
        })
      })
      req.on('error', reject)
      req.end()
    })
    const [entry] = await until(server.entries, 1)
    expect(entry).toMatchObject({
      traceId,
      method: 'GET',
      path: `${CONTACTS}/export`,
      status: 200,
      complete: false,
    })
    expect(entry!.bytes).toBeGreaterThan(0)
  })

  it('logs an answer the client left before it was written out as not complete', async () => {
    const server = await serve(true)
    // Swagger UI's bundle (about 1.7 MB, written whole) asked for again and again on one
    // connection that reads nothing: the sockets' buffers take the first answers, then one
    // waits in the server, and the client leaves.
    const socket = connect(server.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.pause()
    socket.write('GET /docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(8))
    await new Promise((resolve) => setTimeout(resolve, 500))
    socket.destroy()
    await until(server.entries, 1)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const entries = server.entries()
    const cut = entries.findIndex((entry) => !entry.complete)
    expect(cut).toBeGreaterThan(0)
    expect(entries[cut]).toMatchObject({ status: 200, traceId: expect.stringMatching(/^api--/) })
    expect(entries[cut]!.bytes).toBeGreaterThan(0)
  })

  it('logs an answer queued behind one the client left as never sent', async () => {
    const server = await serve(true)
    await seedBulkContacts(server.databaseUrl, 30_000)
    // Two requests on one connection: an export (about 8 MB) the client does not read, so the
    // answer to the second waits behind it, then the client leaves.
    const socket = connect(server.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.pause()
    socket.write(
      `GET ${CONTACTS}/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ORG_TOKEN}\r\n\r\n` +
        'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    socket.destroy()
    const entries = await until(server.entries, 2)
    expect(entries).toEqual([
      expect.objectContaining({ path: `${CONTACTS}/export`, status: 200, complete: false }),
      expect.objectContaining({
        path: '/healthz',
        traceId: null,
        status: null,
        bytes: 0,
        complete: false,
      }),
    ])
  }, 15_000)

  it('logs requests refused before the app, with the trace id of their answer', async () => {
    const server = await serve(true)
    const traceOf = (text: string) => /\r\nX-Trace-Id: ([^\r]+)/i.exec(text)?.[1]
    const answers = [
      // Node's parser refuses the head (431), the listener a missing Host (400), Node's
      // `checkExpectation` an Expect it cannot meet (417).
      `GET /healthz?email=${EMAIL} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      `GET /contacts?email=${EMAIL} HTTP/1.1\r\n\r\n`,
      'PUT /v2.0/x HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 1\r\n\r\n',
    ]
    const texts: string[] = []
    for (const bytes of answers) texts.push(await rawExchange(server.port, bytes))
    const entries = await until(server.entries, 3)
    const expected = (status: number, method: string, path: string, i: number) => ({
      traceId: traceOf(texts[i]!),
      method,
      path,
      status,
      bytes: Buffer.byteLength(texts[i]!, 'latin1'),
      complete: true,
    })
    expect(entries).toEqual([
      expect.objectContaining({ ...expected(431, 'GET', '/healthz', 0), durationMs: null }),
      expect.objectContaining(expected(400, 'GET', '/contacts', 1)),
      expect.objectContaining(expected(417, 'PUT', '/v2.0/x', 2)),
    ])
    expect(entries.every((entry) => typeof entry.traceId === 'string')).toBe(true)
    expect(JSON.stringify(entries)).not.toContain(EMAIL)
  })

  it('logs once a request whose body Node refuses after the app took it, with the answer sent', async () => {
    const server = await serve(true)
    const text = await rawExchange(
      server.port,
      `POST ${USERS}?email=${EMAIL} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    )
    expect(text).toMatch(/^HTTP\/1\.1 400 /)
    await until(server.entries, 1)
    // A second line would follow the first within the turn its socket closed in.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(server.entries()).toEqual([
      expect.objectContaining({
        traceId: /\r\nX-Trace-Id: ([^\r]+)/i.exec(text)?.[1],
        method: 'POST',
        path: USERS,
        status: 400,
        bytes: Buffer.byteLength(text, 'latin1'),
        complete: true,
      }),
    ])
  })

  it('logs the 408 a body that stopped arriving gets, with the status and trace id sent', async () => {
    const server = await serve(true, { idleTimeoutSeconds: 1 })
    const text = await rawExchange(
      server.port,
      `POST ${USERS}?note=${EMAIL} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"acc',
    )
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    const [entry] = await until(server.entries, 1)
    expect(entry).toMatchObject({
      traceId: /\r\nX-Trace-Id: ([^\r]+)/i.exec(text)?.[1],
      method: 'POST',
      path: USERS,
      status: 408,
      bytes: Buffer.byteLength(text, 'latin1'),
      complete: true,
    })
    expect(entry!.traceId).toMatch(/^api--/)
  })

  it('logs nothing, and listens for nothing more, when it is off', async () => {
    const server = await serve(false)
    const res = await fetch(`${server.base}/healthz?email=${EMAIL}`)
    await res.arrayBuffer()
    await rawExchange(server.port, `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(server.entries()).toEqual([])
    expect(server.server.listenerCount('request')).toBe(1)
    expect(server.server.listenerCount('checkExpectation')).toBe(1)
  })
})

describe('pathOfTarget', () => {
  it.each([
    ['/contacts', '/contacts'],
    [`/CognitoSendConfirmCodeRequest?EmailAddress=${EMAIL}`, '/CognitoSendConfirmCodeRequest'],
    ['/a#b?c', '/a'],
    ['/?', '/'],
    ['*', '*'],
    ['http://user:secret@host.example/a/b?c=d', '/a/b'],
    ['HTTPS://host.example', '/'],
    ['host.example:443', null],
    ['', null],
  ])('reads %s as %s', (target, path) => {
    expect(pathOfTarget(target)).toBe(path)
  })
})
