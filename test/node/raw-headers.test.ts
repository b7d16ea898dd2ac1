import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_KEY, memoryLogger } from '../support/deterministic.ts'
import { serveOnFile } from '../support/node-server.ts'
import { rawExchange } from '../support/raw-socket.ts'
import { USERS } from '../support/requests.ts'
import { headFields, SECURITY_HEADERS } from '../support/security-headers.ts'

// What fetch cannot send (NUL, CR, DEL, obs-fold, oversized header blocks), written on a raw
// socket to the real Node server: its HTTP parser must refuse it, and the server keep serving.
let port = 0
let close: () => Promise<void>
const logger = memoryLogger()

beforeAll(async () => {
  const server = await serveOnFile({ logger })
  port = server.port
  close = server.close
})
afterAll(() => close())

/** Sends raw bytes and resolves with the whole answer, read until the server closes. */
const answer = (head: string): Promise<string> => rawExchange(port, head)

/** The status of the answer to raw bytes (0 if the socket just closed). */
const raw = async (head: string): Promise<number> =>
  Number(/^HTTP\/1\.1 (\d{3})/.exec(await answer(head))?.[1] ?? 0)

const request = (headers: string) =>
  raw(`GET ${USERS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`)

describe('raw header bytes on the Node server', () => {
  it.each([
    ['a NUL in Accept', 'Accept: text/csv\x00\r\n', 400],
    ['a bare CR in X-API-Key', `X-API-Key: ${API_KEY}\rX-Injected: 1\r\n`, 400],
    ['a DEL in Content-Type', 'Content-Type: application/json\x7f\r\n', 400],
    ['an ESC in Authorization', 'Authorization: Bearer \x1b[31m\r\n', 400],
    ['a space in a header name', 'X API Key: x\r\n', 400],
    ['an obs-folded Accept', 'Accept: text/csv,\r\n application/json\r\n', 400],
    ['20 KiB of headers', `X-Pad: ${'a'.repeat(20 * 1024)}\r\n`, 431],
  ])('refuses %s and keeps serving', async (_, headers, status) => {
    expect(await request(headers)).toBe(status)
    expect(await request(`X-API-Key: ${API_KEY}\r\n`)).toBe(200)
  })

  it.each([
    [
      '20 KiB of headers',
      `GET ${USERS}?a=1 HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      431,
      1051,
      USERS,
    ],
    [
      'a URL over 16 KiB',
      `GET ${USERS}/${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      414,
      1052,
      '',
    ],
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 1003, ''],
    [
      'a control character in a header',
      `GET ${USERS} HTTP/1.1\r\nHost: x\r\nAccept: a\x01\r\n\r\n`,
      400,
      1003,
      USERS,
    ],
    [
      'an invalid Host',
      `GET ${USERS} HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n`,
      400,
      1003,
      '',
    ],
    ['an HTTP/1.1 request without Host', `GET ${USERS}?a=1 HTTP/1.1\r\n\r\n`, 400, 1003, USERS],
    [
      'a request with two Host lines',
      `GET ${USERS} HTTP/1.1\r\nHost: a.example\r\nhost: b.example\r\n\r\n`,
      400,
      1003,
      USERS,
    ],
    ['a target of * for GET', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n', 400, 1003, ''],
    [
      'an expectation other than 100-continue',
      `GET ${USERS} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n`,
      417,
      1005,
      USERS,
    ],
    [
      'oversized chunk extensions in a body',
      `POST ${USERS} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;x=${'a'.repeat(20_000)}\r\n`,
      413,
      1050,
      USERS,
    ],
    [
      'a broken chunk in a body',
      `POST ${USERS} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
      400,
      1003,
      USERS,
    ],
  ])(
    'answers %s with a problem, a trace id and the security headers, as every answer has',
    async (_, head, status, code, instance) => {
      const text = await answer(head)
      const [headers = '', body = ''] = text.split('\r\n\r\n')
      expect(headers).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
      expect(headers).toMatch(/\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i)
      expect(headFields(text)).toMatchObject(SECURITY_HEADERS)
      expect(headers).toMatch(/\r\nvary: accept\r\n/i)
      expect(headers).toMatch(/\r\ncache-control: no-store\r\n/i)
      const traceId = /\r\nx-trace-id: (api--[\w-]+)/i.exec(headers)?.[1]
      expect(JSON.parse(body)).toEqual({
        type: expect.stringMatching(/^\/problems\//),
        title: expect.any(String),
        status,
        detail: expect.any(String),
        instance,
        code,
        traceId,
        details: {},
      })
      expect(headers).toMatch(/\r\nconnection: close(\r\n|$)/i)
    },
  )

  it('answers a request followed by bytes that are not HTTP first, then refuses the bytes', async () => {
    // A Content-Length one byte short of its body: the user is created, and the client is told.
    const body = '{"accessToken":"a","refreshToken":"r"}'
    const text = await answer(
      `POST ${USERS} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}x`,
    )
    const [created = '', refused = ''] = text.split(/(?=HTTP\/1\.1 )/)
    expect(created).toMatch(/^HTTP\/1\.1 201 /)
    const id = /"_id":"([^"]+)"/.exec(created)?.[1]
    expect(refused).toMatch(/^HTTP\/1\.1 400 /)
    expect(refused).toMatch(/\r\nconnection: close\r\n/i)
    expect(JSON.parse(refused.split('\r\n\r\n')[1]!)).toMatchObject({ code: 1003, instance: '' })
    const read = await answer(
      `GET ${USERS}/${id} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\nConnection: close\r\n\r\n`,
    )
    expect(read).toMatch(/^HTTP\/1\.1 200 /)
  })

  it('answers OPTIONS * for the server as a whole, with the security headers', async () => {
    const text = await answer('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(text).toMatch(/^HTTP\/1\.1 204 /)
    expect(text).toMatch(/\r\nallow: GET, HEAD, POST, DELETE\r\n/i)
    expect(text).toMatch(/\r\nvary: accept\r\n/i)
    expect(text).toMatch(/\r\nx-trace-id: api--/i)
    expect(headFields(text)).toMatchObject(SECURITY_HEADERS)
  })

  it('serves an HTTP/1.0 request without Host, which that version allows', async () => {
    expect(await raw('GET /healthz HTTP/1.0\r\n\r\n')).toBe(200)
  })

  it('closes the connection after answering before the body arrived, and says so', async () => {
    // No credentials: the 401 goes out while most of the 300 KB body is still to come.
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      let got = ''
      socket.setTimeout(5000, () => socket.destroy(new Error('no answer')))
      socket.on('error', reject)
      socket.on('data', (chunk) => (got += chunk.toString('latin1')))
      socket.on('close', () => resolve(got))
      socket.write(
        `POST ${USERS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: 300000\r\n\r\n{"accessToken":"`,
      )
    })
    expect(text).toMatch(/^HTTP\/1\.1 401 /)
    expect(text).toMatch(/\r\nconnection: close\r\n/i)
  })

  it('answers an oversized body that waits for 100 Continue with a 413 at once, and closes', async () => {
    const text = await answer(
      `POST ${USERS} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 10000000000\r\n' +
        'Expect: 100-continue\r\n\r\n',
    )
    expect(text).toMatch(/^HTTP\/1\.1 413 /)
    expect(text).not.toContain('100 Continue')
    expect(text).toMatch(/\r\nconnection: close\r\n/i)
  })

  it('invites a body within the limit with 100 Continue, then reads it', async () => {
    const status = await new Promise<string>((resolve, reject) => {
      const body = '{"accessToken":"a","refreshToken":"r"}'
      const socket = connect(port, '127.0.0.1')
      let text = ''
      socket.setTimeout(5000, () => socket.destroy(new Error('no answer')))
      socket.on('error', reject)
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1')
        if (text === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write(body)
        if (/\r\n\r\n[\s\S]*HTTP\/1\.1 (\d{3})/.test(text)) socket.end()
      })
      socket.on('close', () => resolve(text))
      socket.write(
        `POST ${USERS} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\nConnection: close\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
          'Expect: 100-continue\r\n\r\n',
      )
    })
    expect(status).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /)
  })

  it('passes obs-text bytes through to the gateway, which answers them as wrong values', async () => {
    expect(await request('X-API-Key: \xff\xfe\x80\x81\r\n')).toBe(401)
    expect(await request(`X-API-Key: ${API_KEY}\r\nAccept: \xff/\xfe\r\n`)).toBe(200)
  })

  it('answers a body that stops arriving with a 408 problem and the security headers', async () => {
    // A server of its own, whose idle timeout (IDLE_TIMEOUT_SECONDS) is a second.
    const idle = await serveOnFile({ idleTimeoutSeconds: 1 })
    try {
      const text = await rawExchange(
        idle.port,
        `POST ${USERS} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${API_KEY}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"access',
      )
      expect(text).toMatch(/^HTTP\/1\.1 408 /)
      expect(headFields(text)).toMatchObject({
        ...SECURITY_HEADERS,
        'content-type': 'application/problem+json; charset=utf-8',
        'x-trace-id': expect.stringMatching(/^api--/),
      })
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 408,
        code: 1004,
        instance: USERS,
      })
    } finally {
      await idle.close()
    }
  })

  it('never logged an unhandled error', () => {
    expect(logger.lines.filter((l) => l.includes('unhandled error'))).toEqual([])
  })
})
