import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MEDIA_TYPES, SEED_BODY } from '../support/requests.ts'

const MAIN = new URL('../../src/runtime/node/main.ts', import.meta.url).pathname

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Starts `npm start`'s entry as a real process and waits until it listens (or exits). */
const start = async (env: Record<string, string>): Promise<Started> => {
  const child = spawn(process.execPath, ['--no-warnings', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  await Promise.race([
    exited,
    new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (output.includes('Try it:') || output.includes('"listening"')) {
          clearInterval(timer)
          resolve()
        }
      }, 50)
    }),
  ])
  return { child, output: () => output, exited }
}

describe('npm start (the Node entry as a process)', () => {
  let dir: string
  let port: number
  let server: Started

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-'))
    port = await freePort()
    server = await start({ DATA_DIR: dir, PORT: String(port) })
  }, 30_000)

  afterAll(async () => {
    server?.child.kill('SIGTERM')
    await server?.exited
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the generated API key and a ready curl line', () => {
    expect(server.output()).toMatch(/API key \(X-API-Key\): +ck_/)
    expect(server.output()).toContain(
      `curl -i -X POST http://127.0.0.1:${port}/new/v2.0/external/alexa/users`,
    )
  })

  it.each(MEDIA_TYPES)("answers the seed's curl with 201 in %s", async (accept) => {
    const key = /API key \(X-API-Key\): +(\S+)/.exec(server.output())![1]!
    const res = await fetch(`http://127.0.0.1:${port}/new/v2.0/external/alexa/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key, Accept: accept },
      body: SEED_BODY,
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('Content-Type')).toContain(accept)
  })

  it('reuses its secrets and applies no migration twice on restart', async () => {
    const key = /API key \(X-API-Key\): +(\S+)/.exec(server.output())![1]!
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    server = await start({ DATA_DIR: dir, PORT: String(port) })
    expect(server.output()).toContain(key)
    expect(server.output()).not.toContain('migrations applied')
    const list = await fetch(`http://127.0.0.1:${port}/v2.0/external/alexa/users`, {
      headers: { 'X-API-Key': key },
    })
    expect(((await list.json()) as { total: number }).total).toBe(MEDIA_TYPES.length)
  }, 30_000)

  it('refuses to start in production without secrets', async () => {
    const refused = await start({
      DATA_DIR: dir,
      PORT: String(await freePort()),
      NODE_ENV: 'production',
    })
    expect(await refused.exited).toBe(1)
    expect(refused.output()).toContain('Refusing to start')
    expect(refused.output()).toContain('API_KEYS')
  }, 30_000)
})
