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
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    // A port, as some proxies append to X-Forwarded-For, and brackets are not the network.
    ['198.51.100.7:40001', '198.51.100.7'],
    ['198.51.100.7:40002', '198.51.100.7'],
    ['[2001:db8::5]:443', '2001:db8:0:0::/64'],
    ['[2001:db8::5]', '2001:db8:0:0::/64'],
    // An IPv4 client however an IPv6 socket or proxy spells it.
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['::ffff:c633:6401', '198.51.100.1'],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4'],
    ['0000:0000:0000:0000:0000:ffff:0102:0304', '1.2.3.4'],
    ['[::ffff:198.51.100.7]:40001', '198.51.100.7'],
    ['::192.0.2.1', '192.0.2.1'],
    ['64:ff9b::192.0.2.1', '192.0.2.1'],
    ['64:ff9b::c000:201', '192.0.2.1'],
    // Loopback and unspecified are their own, not every ::/64 client's.
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    // A zone is local to this host.
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['[fe80::1%eth0]:8080', 'fe80:0:0:0::/64'],
  ])('keys %s as %s', (address, key) => {
    expect(networkOf(address)).toBe(key)
  })

  it('keeps unrelated IPv4 clients apart, whatever form their address comes in', () => {
    const keys = ['::ffff:c633:6401', '::ffff:c633:6402', '0:0:0:0:0:ffff:1.2.3.4', '::1']
    expect(new Set(keys.map(networkOf)).size).toBe(keys.length)
  })

  it.each([
    'unknown',
    '',
    'example.com',
    '192.0.2',
    '192.0.2.256',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:1.2.3.4.5',
    '[2001:db8::5',
    '198.51.100.7:http',
    '_hidden',
  ])('keys %j, which is no IP address, as the one key "unknown"', (address) => {
    expect(networkOf(address)).toBe('unknown')
  })

  it('bounds the key length whatever the input', () => {
    expect(networkOf('x'.repeat(10_000)).length).toBeLessThanOrEqual(64)
    expect(networkOf('1'.repeat(10_000))).toBe('unknown')
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
