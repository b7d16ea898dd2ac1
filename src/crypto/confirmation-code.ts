import { hex, utf8 } from './encoding.ts'

const CODES = 1_000_000
// The largest multiple of 10^6 that fits in 32 bits: values at or above it are drawn again, so
// every code is exactly as likely (`x % 10^6` over all of 2^32 would favour low codes).
const LIMIT = Math.floor(2 ** 32 / CODES) * CODES

/**
 * A fresh 6-digit confirmation code from the CSPRNG, uniform over 000000–999999.
 *
 * @example
 * newConfirmationCode() // '042917'
 */
export const newConfirmationCode = (): string => {
  const draw = new Uint32Array(1)
  for (;;) {
    crypto.getRandomValues(draw)
    const x = draw[0]!
    if (x < LIMIT) return String(x % CODES).padStart(6, '0')
  }
}

// Domain separation: these HMAC inputs can never equal a token's `header.payload`, which is
// signed with the same TOKEN_SECRET, nor each other.
const PREFIX = 'cognito-confirmation-code\u0000'
const CLIENT_PREFIX = 'cognito-send-client\u0000'

/**
 * Keyed hashes of confirmation codes (HMAC-SHA256): what the database stores instead of the
 * code. Bound to the address, so equal codes of two users hash differently, and useless
 * without the key, so a leaked table does not give away 6-digit codes by brute force.
 *
 * @example
 * const hasher = await codeHasher(secret)
 * await hasher.hash('a@example.com', '042917') // 64 hex digits
 * await hasher.client('2001:db8:1:2::/64') // 64 hex digits
 */
export const codeHasher = async (secret: string) => {
  const key = await crypto.subtle.importKey(
    'raw',
    utf8(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return {
    async hash(email: string, code: string): Promise<string> {
      return hex(await crypto.subtle.sign('HMAC', key, utf8(`${PREFIX}${email}\u0000${code}`)))
    },
    /**
     * The key a client network's sends are counted under: stored instead of the network, so
     * the send counts hold no client address, and of one length whatever the network.
     */
    async client(network: string): Promise<string> {
      return hex(await crypto.subtle.sign('HMAC', key, utf8(`${CLIENT_PREFIX}${network}`)))
    },
  }
}

export type CodeHasher = Awaited<ReturnType<typeof codeHasher>>
