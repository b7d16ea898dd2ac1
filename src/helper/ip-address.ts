/** An IP address read from text: IPv4 as 4 bytes, IPv6 as 8 groups of 16 bits. */
export type IpAddress = { v: 4; bytes: number[] } | { v: 6; groups: number[] }

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/
const GROUP = /^[\da-f]{1,4}$/

const ipv4Bytes = (text: string): number[] | undefined => {
  const m = IPV4.exec(text)
  const bytes = m?.slice(1).map(Number)
  return bytes?.every((b) => b <= 255) ? bytes : undefined
}

const ipv6Groups = (text: string): number[] | undefined => {
  // A dotted IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
  let tail: number[] = []
  if (text.includes('.')) {
    const colon = text.lastIndexOf(':')
    const bytes = ipv4Bytes(text.slice(colon + 1))
    if (!bytes) return undefined
    tail = [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!]
    text = text.endsWith('::', colon + 1) ? text.slice(0, colon + 1) : text.slice(0, colon)
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  const head = parse(halves[0]!)
  const rest = halves.length === 2 ? parse(halves[1]!) : []
  if (![...head, ...rest].every((g) => GROUP.test(g))) return undefined
  const known = head.length + rest.length + tail.length
  // `::` stands for one zero group or more; without it, all eight are written.
  if (halves.length === 2 ? known > 7 : known !== 8) return undefined
  const zeros = Array<string>(8 - known).fill('0')
  return [...head, ...zeros, ...rest].map((g) => parseInt(g, 16)).concat(tail)
}

/**
 * Reads an IP address as a client address source may spell it: with a port
 * (`198.51.100.7:40001`, `[2001:db8::5]:443`, as some proxies write `X-Forwarded-For`), in
 * brackets, with an IPv6 zone (`fe80::1%eth0`, local to this host, so dropped), any case.
 * Undefined for anything else.
 *
 * @example
 * parseIp('[2001:db8::5]:443') // { v: 6, groups: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 5] }
 * parseIp('198.51.100.7:40001') // { v: 4, bytes: [198, 51, 100, 7] }
 * parseIp('unknown') // undefined
 */
export const parseIp = (text: string): IpAddress | undefined => {
  let a = text.trim().toLowerCase()
  if (a.length > 64) return undefined
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(a)
  if (bracketed) a = bracketed[1]!
  else {
    const withPort = /^([\d.]+):\d{1,5}$/.exec(a)
    if (withPort) a = withPort[1]!
  }
  const v4 = ipv4Bytes(a)
  if (v4) return { v: 4, bytes: v4 }
  const groups = a.includes(':') ? ipv6Groups(a.replace(/%.*$/, '')) : undefined
  return groups ? { v: 6, groups } : undefined
}
