import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { type ClientAddress, cfConnectingIp, forwardedFor, networkOf } from './client-address.ts'

const addressOf = async (resolve: ClientAddress, headers: Record<string, string>) => {
  const app = new Hono().get('/', (c) => c.text(resolve(c) ?? '(none)'))
  return (await app.request('/', { headers })).text()
}

describe('networkOf', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('keys %s as %s', (address, key) => {
    expect(networkOf(address)).toBe(key)
  })

  it('bounds the key length whatever the input', () => {
    expect(networkOf('x'.repeat(10_000)).length).toBeLessThanOrEqual(64)
  })
})

describe('client address sources', () => {
  it('reads CF-Connecting-IP (trusted only on Workers)', async () => {
    expect(await addressOf(cfConnectingIp, { 'CF-Connecting-IP': '203.0.113.7' })).toBe(
      '203.0.113.7',
    )
  })

  it('takes the entry the trusted proxy added, never the client-supplied ones to its left', async () => {
    const none = () => undefined
    const headers = { 'X-Forwarded-For': '1.1.1.1, 203.0.113.7, 10.0.0.2' }
    expect(await addressOf(forwardedFor(1, none), headers)).toBe('10.0.0.2')
    expect(await addressOf(forwardedFor(2, none), headers)).toBe('203.0.113.7')
  })

  it('falls back when X-Forwarded-For has fewer entries than trusted hops', async () => {
    const fallback = () => '192.0.2.99'
    expect(await addressOf(forwardedFor(2, fallback), { 'X-Forwarded-For': '1.1.1.1' })).toBe(
      '192.0.2.99',
    )
    expect(await addressOf(forwardedFor(1, fallback), {})).toBe('192.0.2.99')
  })
})
