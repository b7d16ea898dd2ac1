import type { Context } from 'hono'
import { parseIp } from './ip-address.ts'

/**
 * Where a request comes from, as far as the runtime can vouch for it; undefined when unknown.
 * Each runtime injects its own (AppDeps.clientAddress): only it knows which source is trusted.
 */
export type ClientAddress = (c: Context) => string | undefined

/**
 * Workers: Cloudflare's edge sets `CF-Connecting-IP` and overwrites any value a client sends,
 * so there it is trustworthy. Anywhere else a client can forge it: do not use it on Node.
 *
 * @example
 * createApp({ ...deps, clientAddress: cfConnectingIp })
 */
export const cfConnectingIp: ClientAddress = (c) => c.req.header('CF-Connecting-IP')

/**
 * Behind `hops` reverse proxies that each append to `X-Forwarded-For`: the entry the outermost
 * trusted proxy added (the `hops`-th from the right). Entries further left are the client's
 * own claims and are never used. With fewer entries than hops, `fallback` decides.
 *
 * @example
 * forwardedFor(1, socketAddress) // X-Forwarded-For: "forged, 198.51.100.4" → "198.51.100.4"
 */
export const forwardedFor =
  (hops: number, fallback: ClientAddress): ClientAddress =>
  (c) => {
    const entries = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    return entries.length >= hops && hops > 0 ? entries[entries.length - hops] : fallback(c)
  }

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`

/**
 * The key a client is counted under: an IPv4 address as is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so per-address keys would be free to rotate). An IPv6
 * address that stands for an IPv4 client counts as that IPv4 address, however it is spelt:
 * IPv4-mapped (`::ffff:192.0.2.1`, `::ffff:c000:201`, as a dual-stack socket reports an IPv4
 * peer), IPv4-compatible (`::192.0.2.1`, deprecated) and the NAT64 well-known prefix
 * (`64:ff9b::192.0.2.1`, an IPv4 client translated to IPv6). `::1` and `::` are keys of their
 * own. A port, brackets and a zone are dropped. Anything that is not an IP address is one
 * key, `unknown`, as a request with no address at all.
 *
 * @example
 * networkOf('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 * networkOf('[::ffff:c000:201]:443') // '192.0.2.1'
 * networkOf('198.51.100.7:40001') // '198.51.100.7'
 * networkOf('not an address') // 'unknown'
 */
export const networkOf = (address: string): string => {
  const ip = parseIp(address)
  if (!ip) return 'unknown'
  if (ip.v === 4) return ip.bytes.join('.')
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, hi = 0, lo = 0] = ip.groups
  const zeros80 = a === 0 && b === 0 && c === 0 && d === 0 && e === 0
  if (zeros80 && f === 0xffff) return v4(hi, lo)
  if (zeros80 && f === 0 && hi === 0 && lo <= 1) return lo === 1 ? '::1' : '::'
  if (zeros80 && f === 0) return v4(hi, lo)
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return v4(hi, lo)
  return `${[a, b, c, d].map((g) => g.toString(16)).join(':')}::/64`
}
