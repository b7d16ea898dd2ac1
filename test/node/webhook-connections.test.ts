import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { CodeDeliveryError } from '../../src/app/code-delivery-error.ts'
import { webhookSender } from '../../src/runtime/code-sender.ts'
import { hasOpenssl, makeTestCertificates } from '../support/test-certificates.ts'

// Real connections to servers on 127.0.0.1 that fail the ways a webhook does, through Node's
// own fetch: whether a failure is refunded must follow what Node really reports.

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0))
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
    })
})

const listen = async <S extends Server>(server: S): Promise<number> => {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

const closedPort = async (): Promise<number> => {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const failureOf = async (url: string): Promise<CodeDeliveryError> => {
  const sending = webhookSender({ url, secret: 'whsec_0123456789abcdef', timeoutMs: 5000 }).send(
    'ada@example.com',
    '042917',
  )
  const error = await sending.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CodeDeliveryError)
  return error as CodeDeliveryError
}

describe('webhook delivery over real connections', () => {
  it('refunds a refused connection', async () => {
    const failure = await failureOf(`http://127.0.0.1:${await closedPort()}/codes`)
    expect(failure.message).toBe('the webhook is unreachable (ECONNREFUSED)')
    expect(failure.undelivered).toBe(true)
  })

  it('refunds an https URL on a plain-HTTP port, which never sees a request', async () => {
    let requests = 0
    const port = await listen(createHttpServer((_req, res) => (requests++, res.end())))
    const failure = await failureOf(`https://127.0.0.1:${port}/codes`)
    expect(failure.message).toBe('the webhook is unreachable (ERR_SSL_WRONG_VERSION_NUMBER)')
    expect(failure.undelivered).toBe(true)
    expect(requests).toBe(0)
  })

  it('refunds a server that hangs up during the TLS handshake', async () => {
    const port = await listen(createTcpServer((socket) => socket.once('data', () => socket.end())))
    const failure = await failureOf(`https://127.0.0.1:${port}/codes`)
    expect(failure.message).toBe('the webhook is unreachable (ECONNRESET)')
    expect(failure.undelivered).toBe(true)
  })

  it('counts a connection closed after the request was read: it may have been taken', async () => {
    let received = ''
    const port = await listen(
      createTcpServer((socket) =>
        socket.once('data', (chunk) => {
          received += chunk.toString('latin1')
          socket.end()
        }),
      ),
    )
    const failure = await failureOf(`http://127.0.0.1:${port}/codes`)
    expect(failure.message).toBe('the webhook is unreachable (UND_ERR_SOCKET)')
    expect(failure.undelivered).toBe(false)
    expect(received).toMatch(/^POST \/codes HTTP\/1\.1\r\n/)
  })

  it('counts a connection reset after the request was read', async () => {
    const port = await listen(
      createTcpServer((socket) => socket.once('data', () => socket.resetAndDestroy())),
    )
    const failure = await failureOf(`http://127.0.0.1:${port}/codes`)
    expect(failure.message).toBe('the webhook is unreachable (ECONNRESET)')
    expect(failure.undelivered).toBe(false)
  })

  describe.skipIf(!hasOpenssl)('certificates the client refuses (needs openssl)', () => {
    const certs = hasOpenssl ? makeTestCertificates() : undefined

    it.each([
      ['signs itself', () => certs!.selfSigned, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
      // The usual misconfiguration: the server leaves out its intermediate certificate.
      ['comes without its intermediate', () => certs!.leaf, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
      [
        'chains to an unknown root',
        () => ({ ...certs!.leaf, cert: certs!.leaf.cert + certs!.intermediate }),
        'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      ],
    ])('refunds a server whose certificate %s', async (_name, options, code) => {
      let requests = 0
      const port = await listen(
        createHttpsServer(options(), (_req, res) => (requests++, res.end())),
      )
      const failure = await failureOf(`https://localhost:${port}/codes`)
      expect(failure.message).toBe(`the webhook is unreachable (${code})`)
      expect(failure.undelivered).toBe(true)
      expect(requests).toBe(0)
    })
  })
})
