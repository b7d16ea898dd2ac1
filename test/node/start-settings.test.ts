import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { API_KEY, TEST_ENV } from '../support/deterministic.ts'
import { startGateway } from '../support/node-process.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
const tempDir = async (name = 'gateway-settings-') => {
  const dir = await mkdtemp(join(tmpdir(), name))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}
const started = async (...args: Parameters<typeof startGateway>) => {
  const gateway = await startGateway(...args)
  cleanups.push(() => gateway.stop())
  return gateway
}
/** The refusal a start ends in: one line, no stack. */
const refusal = async (env: Record<string, string>) => {
  const error = await startGateway(env).then(
    async (gateway) => (await gateway.stop(), new Error('it started')),
    (e: Error) => e,
  )
  expect(error.message).toMatch(/exited \(1\)/)
  expect(error.message).not.toMatch(/\n\s+at /)
  return error.message
}

describe('npm start reads its settings strictly', () => {
  it('listens on 127.0.0.1 when HOST is set but empty, as when it is unset', async () => {
    const gateway = await started({ ...TEST_ENV, DATA_DIR: await tempDir(), HOST: '' })
    expect(gateway.output()).toContain(`"url":"${gateway.base}"`)
    expect((await fetch(`${gateway.base}/healthz`)).status).toBe(200)
  }, 30_000)

  it('with PORT=0 takes a free port and logs the one it took', async () => {
    const gateway = await started({ ...TEST_ENV, DATA_DIR: await tempDir(), PORT: '0' })
    const url = /"url":"(http:\/\/127\.0\.0\.1:(\d+))"/.exec(gateway.output())
    expect(Number(url![2])).toBeGreaterThan(0)
    expect((await fetch(`${url![1]}/healthz`)).status).toBe(200)
  }, 30_000)

  it('with ACCESS_LOG=on writes a JSON line for each request, and refuses ACCESS_LOG=yes', async () => {
    const gateway = await started({ ...TEST_ENV, DATA_DIR: await tempDir(), ACCESS_LOG: 'on' })
    const res = await fetch(`${gateway.base}/healthz?probe=1`, {
      headers: { 'X-API-Key': API_KEY },
    })
    await res.arrayBuffer()
    const lines = async () => {
      for (let i = 0; i < 100 && !gateway.output().includes('"message":"request"'); i++)
        await new Promise((resolve) => setTimeout(resolve, 20))
      return gateway
        .output()
        .split('\n')
        .filter((line) => line.includes('"message":"request"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    }
    expect(await lines()).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        message: 'request',
        traceId: res.headers.get('x-trace-id'),
        method: 'GET',
        path: '/healthz',
        status: 200,
        bytes: expect.any(Number),
        durationMs: expect.any(Number),
        complete: true,
      },
    ])
    expect(gateway.output()).not.toContain(API_KEY)
    const text = await refusal({ ...TEST_ENV, DATA_DIR: await tempDir(), ACCESS_LOG: 'yes' })
    expect(text).toContain(
      'Refusing to start: ACCESS_LOG must be on or off (or unset: off), not "yes"',
    )
  }, 30_000)

  it.each([
    [{ PORT: '0x2000' }, 'PORT must be a port number from 0 to 65535 in decimal digits'],
    [{ TRUST_PROXY_HOPS: '0x10' }, 'TRUST_PROXY_HOPS must be a whole number in decimal digits'],
    [{ NODE_ENV: 'prod' }, 'NODE_ENV must be production or development'],
    [{ CORS_ORIGINS: 'not a url' }, 'CORS_ORIGINS entry "not a url" is not an origin'],
    [
      { CORS_ORIGINS: 'https://a.example/' },
      'CORS_ORIGINS entry "https://a.example/" is not an origin as browsers send it: write "https://a.example"',
    ],
    [
      { CODE_WEBHOOK_URL: 'http://127.0.0.1:6000/codes', CODE_WEBHOOK_SECRET: 'whsec_0123456789' },
      'CODE_WEBHOOK_URL names port 6000, which fetch refuses',
    ],
  ])(
    'refuses %j, saying why',
    async (env, message) => {
      const text = await refusal({ ...TEST_ENV, DATA_DIR: await tempDir(), ...env })
      expect(text).toContain(`Refusing to start: ${message}`)
    },
    30_000,
  )

  it('names every problem of a production configuration in its one line', async () => {
    const dir = await tempDir()
    const text = await refusal({ DATA_DIR: dir, NODE_ENV: 'production', PORT: '0x2000' })
    const line = text.split('\n').find((l) => l.startsWith('Refusing to start:'))!
    expect(line).toMatch(/PORT/)
    expect(line).toMatch(/CODE_WEBHOOK_URL is not set/)
    expect(line).toMatch(/API_KEYS is not set/)
    expect(line).toMatch(/NODE_ENV=production never falls back to generated secrets\.$/)
  }, 30_000)

  it('in development names what else is wrong before it generates any secret', async () => {
    const dir = await tempDir()
    const text = await refusal({ DATA_DIR: dir, PORT: '1e4', CODE_WEBHOOK_URL: 'ftp://x' })
    expect(text).toMatch(/Refusing to start: PORT.*; CODE_WEBHOOK_URL/)
    expect(existsSync(join(dir, 'dev-secrets.json'))).toBe(false)
  }, 30_000)

  it('prints only the secrets it generated, never one the environment set', async () => {
    const own = 'ck_my-own-configured-key-0123456789'
    const gateway = await started({ DATA_DIR: await tempDir(), API_KEYS: own })
    for (let i = 0; i < 100 && !gateway.output().includes('Try it:'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(gateway.output()).toContain('API key (X-API-Key):           <one of your API_KEYS>')
    expect(gateway.output()).not.toContain(own)
    expect(gateway.output()).toMatch(/Organisation token \(Bearer\): +org_/)
  }, 30_000)

  it.each(['Production', 'PRODUCTION'])(
    'runs NODE_ENV=%s as production: no generated secrets, no codes in the log',
    async (value) => {
      const dir = await tempDir()
      const text = await refusal({ DATA_DIR: dir, NODE_ENV: value })
      expect(text).toMatch(/Refusing to start: API_KEYS is not set[\s\S]*NODE_ENV=production/)
      expect(existsSync(join(dir, 'dev-secrets.json'))).toBe(false)
    },
    30_000,
  )

  it('gzips for a client that asks, unless COMPRESSION=off, and refuses COMPRESSION=gzip', async () => {
    // `/openapi.json`: over 1 KiB, the same for every caller.
    const encoding = async (env: Record<string, string>) => {
      const gateway = await started({ ...TEST_ENV, DATA_DIR: await tempDir(), ...env })
      const res = await fetch(`${gateway.base}/openapi.json`, {
        headers: { 'Accept-Encoding': 'gzip' },
      })
      expect(((await res.json()) as { openapi: string }).openapi).toMatch(/^3\./)
      return [res.headers.get('content-encoding'), res.headers.get('vary')]
    }
    expect(await encoding({})).toEqual(['gzip', 'Accept, Accept-Encoding'])
    expect(await encoding({ COMPRESSION: 'off' })).toEqual([null, 'Accept'])
    expect(
      await refusal({ ...TEST_ENV, DATA_DIR: await tempDir(), COMPRESSION: 'gzip' }),
    ).toContain('COMPRESSION must be on or off (or unset: on), not "gzip"')
  }, 30_000)

  it('refuses a query parameter in a file DATABASE_URL, creating no file', async () => {
    const dir = await tempDir()
    const text = await refusal({
      ...TEST_ENV,
      DATA_DIR: dir,
      DATABASE_URL: `file:${join(dir, 'x.db')}?mode=ro`,
    })
    expect(text).toContain('Refusing to start: DATABASE_URL: a file: URL takes no query')
    expect(await readdir(dir)).toEqual([])
  }, 30_000)

  it('refuses a damaged dev-secrets.json, naming it, and never replaces it', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'dev-secrets.json'), '{"API_KEYS": "ck_')
    const text = await refusal({ DATA_DIR: dir })
    expect(text).toContain(
      `Refusing to start: ${join(dir, 'dev-secrets.json')} is not a JSON object of development secrets`,
    )
    expect(await readFile(join(dir, 'dev-secrets.json'), 'utf8')).toBe('{"API_KEYS": "ck_')
  }, 30_000)

  it('refuses a data folder it cannot create, in one line', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'a-file'), '')
    const text = await refusal({ DATA_DIR: join(dir, 'a-file', 'data') })
    expect(text).toMatch(/Refusing to start: cannot read .*dev-secrets\.json: ENOTDIR/)
  }, 30_000)

  it('starts from a checkout whose path has a space in it', async () => {
    const checkout = join(await tempDir(), 'my checkout')
    await mkdir(checkout)
    for (const part of ['src', 'migrations', 'package.json'])
      await cp(join(ROOT, part), join(checkout, part), { recursive: true })
    await symlink(join(ROOT, 'node_modules'), join(checkout, 'node_modules'))
    const gateway = await started(
      { ...TEST_ENV, DATA_DIR: join(checkout, '.data') },
      { main: join(checkout, 'src/runtime/node/main.ts'), cwd: checkout },
    )
    const list = await fetch(`${gateway.base}/v2.0/external/alexa/users`, {
      headers: { 'X-API-Key': API_KEY },
    })
    expect(list.status).toBe(200)
  }, 30_000)
})
