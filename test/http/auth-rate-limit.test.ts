import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { API_KEY } from '../support/deterministic.ts'
import { USERS } from '../support/requests.ts'

const from = (ip: string, key?: string): RequestInit => ({
  headers: { 'CF-Connecting-IP': ip, ...(key === undefined ? {} : { 'X-API-Key': key }) },
})
const WRONG = 'wrong-key-0123456789abcdef'

const failTimes = async (t: Awaited<ReturnType<typeof makeTarget>>, ip: string, n: number) => {
  for (let i = 0; i < n; i++) expect((await t.request(USERS, from(ip, WRONG))).status).toBe(401)
}

describe('failed-authentication rate limit', () => {
  it('refuses a client after 10 wrong keys in 5 minutes with a 429 and Retry-After, even with the right key', async () => {
    const t = await makeTarget()
    await failTimes(t, '203.0.113.7', 10)
    const res = await t.request(USERS, from('203.0.113.7', API_KEY))
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('300')
    expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
    const problem = await res.json<any>()
    expect(problem).toMatchObject({
      status: 429,
      code: 1070,
      type: '/problems/too-many-requests',
      details: { retryAfterSeconds: 300 },
    })
    expect(problem.traceId).toBe(res.headers.get('X-Trace-Id'))
  })

  it('counts no contact token: after a secret rotation every widget behind one address still gets its 401, and the key still works', async () => {
    const t = await makeTarget()
    const forged = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjMSJ9.c2lnbmF0dXJl'
    for (let i = 0; i < 15; i++) {
      const res = await t.request('/widget/contact', {
        headers: { 'CF-Connecting-IP': '203.0.113.7', Authorization: `Bearer ${forged}` },
      })
      expect(res.status).toBe(401)
    }
    expect((await t.request(USERS, from('203.0.113.7', API_KEY))).status).toBe(200)
  })

  it('counts failures per client: another address is still served', async () => {
    const t = await makeTarget()
    await failTimes(t, '203.0.113.7', 10)
    expect((await t.request(USERS, from('198.51.100.9', API_KEY))).status).toBe(200)
  })

  it('counts an IPv6 client by its /64, so rotating addresses inside it does not help', async () => {
    const t = await makeTarget()
    for (let i = 1; i <= 10; i++) {
      expect((await t.request(USERS, from(`2001:db8:1:2::${i.toString(16)}`, WRONG))).status).toBe(
        401,
      )
    }
    expect((await t.request(USERS, from('2001:db8:1:2:ffff::1', API_KEY))).status).toBe(429)
    expect((await t.request(USERS, from('2001:db8:1:3::1', API_KEY))).status).toBe(200)
  })

  it('counts an IPv4-mapped address as its IPv4 client, apart from other IPv4 clients', async () => {
    const t = await makeTarget()
    await failTimes(t, '::ffff:c633:6401', 10)
    expect((await t.request(USERS, from('198.51.100.1', API_KEY))).status).toBe(429)
    expect((await t.request(USERS, from('0:0:0:0:0:ffff:198.51.100.1', API_KEY))).status).toBe(429)
    expect((await t.request(USERS, from('::ffff:c633:6402', API_KEY))).status).toBe(200)
    expect((await t.request(USERS, from('::1', API_KEY))).status).toBe(200)
  })

  it('does not count requests without a key, nor successful ones', async () => {
    const t = await makeTarget()
    for (let i = 0; i < 12; i++)
      expect((await t.request(USERS, from('203.0.113.7'))).status).toBe(401)
    for (let i = 0; i < 12; i++) {
      expect((await t.request(USERS, from('203.0.113.7', API_KEY))).status).toBe(200)
    }
    await failTimes(t, '203.0.113.7', 9)
    expect((await t.request(USERS, from('203.0.113.7', API_KEY))).status).toBe(200)
  })

  it('lets the client in again once the window has passed (sliding, on the injected clock)', async () => {
    const t = await makeTarget()
    await failTimes(t, '203.0.113.7', 5)
    t.clock.advance(60_000)
    await failTimes(t, '203.0.113.7', 5)
    expect((await t.request(USERS, from('203.0.113.7', API_KEY))).status).toBe(429)
    t.clock.advance(239_000)
    const wait = await t.request(USERS, from('203.0.113.7', API_KEY))
    expect(wait.status).toBe(429)
    expect(wait.headers.get('Retry-After')).toBe('1')
    t.clock.advance(1_000)
    // The first five failures left the window; the last five are still in it.
    expect((await t.request(USERS, from('203.0.113.7', API_KEY))).status).toBe(200)
    await failTimes(t, '203.0.113.7', 5)
    expect((await t.request(USERS, from('203.0.113.7', API_KEY))).status).toBe(429)
  })

  it('follows the configured budget', async () => {
    const t = await makeTarget({ limits: { authFailures: 2, authFailureWindowSeconds: 10 } })
    await failTimes(t, '203.0.113.7', 2)
    const res = await t.request(USERS, from('203.0.113.7', API_KEY))
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('10')
  })

  it('logs failures and refusals with the client, never the key presented', async () => {
    const t = await makeTarget()
    await failTimes(t, '203.0.113.7', 10)
    await t.request(USERS, from('203.0.113.7', API_KEY))
    const lines = t.logger.lines.map((l) => JSON.parse(l))
    expect(lines.filter((l) => l.message === 'authentication failed')).toHaveLength(10)
    expect(lines.find((l) => l.message.startsWith('authentication refused'))).toMatchObject({
      client: '203.0.113.7',
    })
    expect(t.logger.lines.join('\n')).not.toContain(WRONG)
    expect(t.logger.lines.join('\n')).not.toContain(API_KEY)
  })
})
