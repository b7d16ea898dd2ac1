import { afterEach, describe, expect, it } from 'vitest'
import type { NodeConfig } from '../../src/runtime/node/server.ts'
import { API_KEY } from '../support/deterministic.ts'
import { serveOnFile } from '../support/node-server.ts'
import { USERS } from '../support/requests.ts'

/** README's trace id: `api--` and a UUID (`api--6f1c9e2a-8d3b-4c4e-9a51-0b7d2e3f4a5c`). */
const TRACE_ID = /^api--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const serve = async (config: Partial<NodeConfig> = {}) => {
  const server = await serveOnFile(config)
  cleanups.push(server.close)
  return server.base
}

describe('the Node server', () => {
  it('counts failures by the socket peer: a forged CF-Connecting-IP does not reset them', async () => {
    const base = await serve()
    for (let i = 0; i < 10; i++) {
      const res = await fetch(base + USERS, {
        headers: { 'X-API-Key': 'wrong-key-0123456789abc', 'CF-Connecting-IP': `198.51.100.${i}` },
      })
      expect(res.status).toBe(401)
    }
    const res = await fetch(base + USERS, {
      headers: { 'X-API-Key': API_KEY, 'CF-Connecting-IP': '192.0.2.200' },
    })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0)
  })

  it('trusts X-Forwarded-For only when told how many proxies are in front', async () => {
    const base = await serve({ trustProxyHops: 1 })
    const from = (ip: string, key: string) =>
      fetch(base + USERS, { headers: { 'X-API-Key': key, 'X-Forwarded-For': `6.6.6.6, ${ip}` } })
    for (let i = 0; i < 10; i++)
      expect((await from('203.0.113.7', 'nope-nope-nope-nope')).status).toBe(401)
    expect((await from('203.0.113.7', API_KEY)).status).toBe(429)
    expect((await from('203.0.113.8', API_KEY)).status).toBe(200)
  })

  it('counts a client by its address, not the port a proxy appends to X-Forwarded-For', async () => {
    const base = await serve({ trustProxyHops: 1 })
    const from = (ip: string, key: string) =>
      fetch(base + USERS, { headers: { 'X-API-Key': key, 'X-Forwarded-For': ip } })
    for (let i = 0; i < 10; i++)
      expect((await from(`203.0.113.7:${40000 + i}`, 'nope-nope-nope-nope')).status).toBe(401)
    expect((await from('203.0.113.7:50000', API_KEY)).status).toBe(429)
    expect((await from('[2001:db8::7]:443', API_KEY)).status).toBe(200)
  })

  it('gives every answer a trace id of its own, in the documented shape', async () => {
    const base = await serve()
    const ids = []
    for (const path of ['/healthz', '/healthz', USERS]) {
      const res = await fetch(base + path)
      await res.arrayBuffer()
      ids.push(res.headers.get('X-Trace-Id'))
    }
    for (const id of ids) expect(id).toMatch(TRACE_ID)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('sends secure headers, and CORS only for CORS origins it was given', async () => {
    const base = await serve({ corsOrigins: ['https://app.example'] })
    const res = await fetch(`${base}/healthz`, { headers: { Origin: 'https://app.example' } })
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    )
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })
})
