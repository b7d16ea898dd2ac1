import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { API_KEY } from '../support/deterministic.ts'
import { CONTACTS, contactOf, ORG_TOKEN, WIDGET_CONTACT } from '../support/opencx.ts'
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

describe('failed-authentication rate limit on contact tokens', () => {
  const contact = (ip: string, token: string): RequestInit => ({
    headers: { 'CF-Connecting-IP': ip, Authorization: `Bearer ${token}` },
  })

  it('counts tokens the gateway did not sign, then answers 429; a signed token still passes', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`
    for (let i = 0; i < 10; i++)
      expect((await t.request(WIDGET_CONTACT, contact('203.0.113.7', forged))).status).toBe(401)
    const refused = await t.request(WIDGET_CONTACT, contact('203.0.113.7', forged))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('300')
    // An HMAC cannot be guessed: the contact's own token tells a guesser nothing.
    expect((await t.request(WIDGET_CONTACT, contact('203.0.113.7', token))).status).toBe(200)
    // The budget is the client's: its organisation token is refused too.
    const org = await t.request(CONTACTS, contact('203.0.113.7', ORG_TOKEN))
    expect(org.status).toBe(429)
  })

  it('does not count expired tokens, which the widget users behind one NAT retry', async () => {
    const t = await makeTarget()
    const { token } = await contactOf(t)
    t.clock.advance(24 * 60 * 60 * 1000)
    for (let i = 0; i < 12; i++)
      expect((await t.request(WIDGET_CONTACT, contact('203.0.113.7', token))).status).toBe(401)
    expect((await t.request(CONTACTS, contact('203.0.113.7', ORG_TOKEN))).status).toBe(200)
  })
})
