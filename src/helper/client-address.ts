import type { Context } from 'hono'

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

/**
 * The key a client is counted under: an IPv4 address as is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64, so per-address keys would be free to rotate), an
 * IPv4-mapped IPv6 address as its IPv4. Bounded in length, whatever a header holds.
 *
 * @example
 * networkOf('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 * networkOf('::ffff:192.0.2.1') // '192.0.2.1'
 */
export const networkOf = (address: string): string => {
  const a = address.trim().toLowerCase().replace(/%.*$/, '').slice(0, 64)
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a)
  if (mapped) return mapped[1]!
  if (!a.includes(':')) return a
  const [head = '', tail] = a.split('::', 2)
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros =
    tail === undefined ? [] : Array(Math.max(0, 8 - left.length - right.length)).fill('0')
  const groups = [...left, ...zeros, ...right].slice(0, 4)
  return `${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}
