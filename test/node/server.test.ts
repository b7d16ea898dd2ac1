import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, type GatewayProcess, startGateway } from '../support/node-process.ts'
import { TEST_ENV } from '../support/deterministic.ts'
import { MEDIA_TYPES, SEED_BODY } from '../support/requests.ts'

describe('npm start (the Node entry as a process)', () => {
  let dir: string
  let port: number
  let server: GatewayProcess

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-'))
    port = await freePort()
    server = await startGateway({ DATA_DIR: dir, PORT: String(port) })
  }, 30_000)

  afterAll(async () => {
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the generated API key and a ready curl line', () => {
    expect(server.output()).toMatch(/API key \(X-API-Key\): +ck_/)
    expect(server.output()).toContain(
      `curl -i -X POST http://127.0.0.1:${port}/new/v2.0/external/alexa/users`,
    )
  })

  it.each(MEDIA_TYPES)("answers the seed's curl with 201 in %s", async (accept) => {
    const res = await fetch(`${server.base}/new/v2.0/external/alexa/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': server.apiKey(), Accept: accept },
      body: SEED_BODY,
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('Content-Type')).toContain(accept)
  })

  it.each(['/', '/openapi.json', '/metadata', '/no/such/route', '/v2.0/external/alexa/users.csv'])(
    'answers HEAD %s with the Content-Length of its GET',
    async (path) => {
      // The content as it is: `fetch` asks for gzip, which a HEAD is never answered in.
      const init = { headers: { 'X-API-Key': server.apiKey(), 'Accept-Encoding': 'identity' } }
      const get = await fetch(server.base + path, init)
      const length = (await get.arrayBuffer()).byteLength
      expect(get.headers.get('Content-Length')).toBe(String(length))
      const head = await fetch(server.base + path, { ...init, method: 'HEAD' })
      expect(head.status).toBe(get.status)
      expect(head.headers.get('Content-Length')).toBe(String(length))
    },
  )

  it('reuses its secrets and applies no migration twice on restart', async () => {
    const key = server.apiKey()
    await server.stop()
    expect(server.child.exitCode).toBe(0)
    server = await startGateway({ DATA_DIR: dir, PORT: String(port) })
    expect(server.apiKey()).toBe(key)
    expect(server.output()).not.toContain('migrations applied')
    const list = await fetch(`${server.base}/v2.0/external/alexa/users`, {
      headers: { 'X-API-Key': key },
    })
    expect(((await list.json()) as { total: number }).total).toBe(MEDIA_TYPES.length)
  }, 30_000)

  it('refuses to start in production without secrets', async () => {
    const refused = startGateway({ DATA_DIR: dir, NODE_ENV: 'production' })
    await expect(refused).rejects.toThrow(/exited \(1\)[\s\S]*Refusing to start[\s\S]*API_KEYS/)
  }, 30_000)

  it('refuses to start with an organisation token no bearer header can carry, naming only the variable', async () => {
    const token = 'org!token:with#chars1234'
    const refused = startGateway({ DATA_DIR: dir, ORG_TOKENS: token })
    await expect(refused).rejects.toThrow(/exited \(1\)[\s\S]*Refusing to start: ORG_TOKENS/)
    await expect(refused).rejects.not.toThrow(token)
  }, 30_000)

  it('with SQLITE_LOCKING=EXCLUSIVE holds its file: a second gateway on it refuses to start', async () => {
    const own = await mkdtemp(join(tmpdir(), 'gateway-exclusive-'))
    const holder = await startGateway({ DATA_DIR: own, SQLITE_LOCKING: 'exclusive' })
    try {
      const created = await fetch(`${holder.base}/new/v2.0/external/alexa/users`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': holder.apiKey() },
        body: SEED_BODY,
      })
      expect(created.status).toBe(201)
      const second = startGateway({ DATA_DIR: own })
      await expect(second).rejects.toThrow(
        /exited \(1\)[\s\S]*Refusing to start: database is locked/,
      )
      // The holder goes on serving.
      const list = await fetch(`${holder.base}/v2.0/external/alexa/users`, {
        headers: { 'X-API-Key': holder.apiKey() },
      })
      expect(((await list.json()) as { total: number }).total).toBe(1)
      // An export reads on the holder's one connection: a second one would find the file held.
      const exported = await fetch(`${holder.base}/contacts/export`, {
        headers: { Authorization: `Bearer ${holder.orgToken()}` },
      })
      expect(exported.status).toBe(200)
      expect(await exported.text()).toBe('{"items":[],"total":0}')
    } finally {
      await holder.stop()
      await rm(own, { recursive: true, force: true })
    }
  }, 30_000)

  it('refuses to start in production without a confirmation-code sender', async () => {
    const refused = startGateway({ ...TEST_ENV, DATA_DIR: dir, NODE_ENV: 'production' })
    await expect(refused).rejects.toThrow(
      /exited \(1\)[\s\S]*Refusing to start: CODE_WEBHOOK_URL is not set/,
    )
  }, 30_000)

  it('delivers confirmation codes to CODE_WEBHOOK_URL with its secret, never to the log', async () => {
    const received: { authorization: string | undefined; body: string }[] = []
    const webhook = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve))
    const { port: hook } = webhook.address() as AddressInfo
    const own = await mkdtemp(join(tmpdir(), 'gateway-webhook-'))
    const gateway = await startGateway({
      DATA_DIR: own,
      CODE_WEBHOOK_URL: `http://127.0.0.1:${hook}/codes`,
      CODE_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
    })
    try {
      const res = await fetch(`${gateway.base}/CognitoSendConfirmCodeRequest`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"EmailAddress":"ada@example.com"}',
      })
      expect(res.status).toBe(200)
      expect(received).toHaveLength(1)
      expect(received[0]!.authorization).toBe('Bearer whsec_0123456789abcdef')
      const { email, code } = JSON.parse(received[0]!.body)
      expect(email).toBe('ada@example.com')
      expect(code).toMatch(/^\d{6}$/)
      expect(gateway.output()).not.toContain('confirmation code for')
      expect(gateway.output()).not.toMatch(new RegExp(`\\b${code}\\b`))
      expect(gateway.output()).not.toContain('whsec_0123456789abcdef')
    } finally {
      await gateway.stop()
      await new Promise((resolve) => webhook.close(resolve))
      await rm(own, { recursive: true, force: true })
    }
  }, 30_000)

  it('refuses to start on a port another process holds, saying so without a stack', async () => {
    const refused = startGateway({ DATA_DIR: dir, PORT: String(port) })
    await expect(refused).rejects.toThrow(/exited \(1\)[\s\S]*Refusing to start: listen EADDRINUSE/)
    await expect(refused).rejects.not.toThrow(/\n\s+at /)
  }, 30_000)

  it('refuses a locking mode it does not know', async () => {
    await expect(startGateway({ DATA_DIR: dir, SQLITE_LOCKING: 'shared' })).rejects.toThrow(
      /exited \(1\)[\s\S]*SQLITE_LOCKING must be NORMAL or EXCLUSIVE, not "shared"/,
    )
  }, 30_000)
})
