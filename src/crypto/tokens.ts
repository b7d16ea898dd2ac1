import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts'

/** Claims of a token the gateway signs. Times are seconds since the epoch (JWT `NumericDate`). */
export interface TokenClaims {
  /** Who the token is about (a contact id, a user id). */
  sub: string
  /** What the token is for; a token of one kind is never accepted as another. */
  kind: string
  iat: number
  exp: number
  [claim: string]: unknown
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'algorithm' | 'signature' | 'expired' | 'kind' }

const ISSUER = 'conneg-gateway'
// The algorithm is pinned: the header is compared byte for byte, so `alg: none`, RS/HS
// confusion or any other header is refused before a signature is even checked.
const HEADER = toBase64Url(utf8(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))

/**
 * HS256 JSON Web Tokens keyed by `TOKEN_SECRET`, on WebCrypto (Node and Workers alike).
 *
 * @example
 * const tokens = await tokenSigner(secret)
 * const jwt = await tokens.sign({ sub: 'c1', kind: 'contact' }, now, 24 * 3600)
 * await tokens.verify(jwt, 'contact', now) // { ok: true, claims: { sub: 'c1', ... } }
 */
export const tokenSigner = async (secret: string) => {
  const key = await crypto.subtle.importKey(
    'raw',
    utf8(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  return {
    async sign(
      claims: { sub: string; kind: string; [claim: string]: unknown },
      now: Date,
      ttlSeconds: number,
    ): Promise<string> {
      const iat = Math.floor(now.getTime() / 1000)
      const payload = { ...claims, iss: ISSUER, iat, exp: iat + ttlSeconds }
      const unsigned = `${HEADER}.${toBase64Url(utf8(JSON.stringify(payload)))}`
      const signature = await crypto.subtle.sign('HMAC', key, utf8(unsigned))
      return `${unsigned}.${toBase64Url(new Uint8Array(signature))}`
    },

    async verify(token: string, kind: string, now: Date): Promise<VerifyResult> {
      const parts = token.split('.')
      if (parts.length !== 3) return { ok: false, reason: 'malformed' }
      const [header, payload, signature] = parts as [string, string, string]
      if (header !== HEADER) return { ok: false, reason: 'algorithm' }
      let sig: Uint8Array<ArrayBuffer>
      let claims: TokenClaims
      try {
        sig = fromBase64Url(signature)
        claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload)))
      } catch {
        return { ok: false, reason: 'malformed' }
      }
      // crypto.subtle.verify compares in constant time.
      if (!(await crypto.subtle.verify('HMAC', key, sig, utf8(`${header}.${payload}`)))) {
        return { ok: false, reason: 'signature' }
      }
      if (typeof claims.exp !== 'number' || claims.exp <= Math.floor(now.getTime() / 1000)) {
        return { ok: false, reason: 'expired' }
      }
      if (claims.kind !== kind || claims.iss !== ISSUER) return { ok: false, reason: 'kind' }
      return { ok: true, claims }
    },
  }
}

export type TokenSigner = Awaited<ReturnType<typeof tokenSigner>>
