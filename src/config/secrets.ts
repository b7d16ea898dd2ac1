import { fromBase64 } from '../crypto/encoding.ts'
import { isToken68 } from '../helper/bearer.ts'

/** The secrets the gateway refuses to run without. */
export interface Secrets {
  /** Accepted `X-API-Key` values (Cognigy family). */
  apiKeys: string[]
  /** Accepted organisation bearer tokens (open.cx family). */
  orgTokens: string[]
  /** HMAC key for the tokens the gateway signs. */
  tokenSecret: string
  /** AES-256-GCM key for secrets at rest (32 bytes). */
  encryptionKey: Uint8Array<ArrayBuffer>
}

export type SecretsResult = { ok: true; secrets: Secrets } | { ok: false; problems: string[] }

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

// What a header value can carry and a runtime hands over as it was sent: visible ASCII, with
// spaces inside (RFC 9110 §5.5). Runtimes read other bytes one character each (Latin-1), so
// a key with a non-ASCII character would never equal the header that carries it.
const HEADER_VALUE = /^[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*$/

// The placeholders of `.dev.vars.example` (and of most examples people copy): a value that
// says it must be replaced is public, whatever its length.
const PLACEHOLDER = /replace[-_ ]?(?:me|with)|changeme|<[a-z][\w -]*>/i

/**
 * Whether a secret is an example's placeholder (`replace-with-…`, `changeme`, `<api-key>`):
 * public, whatever its length.
 *
 * @example
 * isPlaceholder('replace-with-at-least-32-random-characters') // true
 */
export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value)

/**
 * Whether a value can travel in a header as it is: visible ASCII, spaces only inside.
 *
 * @example
 * isHeaderValue('whsec_0123456789abcdef') // true
 * isHeaderValue('line\nbreak') // false
 */
export const isHeaderValue = (value: string): boolean => HEADER_VALUE.test(value)

/** The environment variables that carry secrets, for messages and docs. */
export const SECRET_NAMES = ['API_KEYS', 'ORG_TOKENS', 'TOKEN_SECRET', 'ENCRYPTION_KEY'] as const

/**
 * Reads and checks the secrets from an environment (process.env or a Workers env). Every
 * problem is reported at once, by variable name, never echoing a value. A credential that no
 * request could present (a character its header cannot carry) is a problem too, not a gateway
 * that answers every request 401.
 *
 * @example
 * parseSecrets({ API_KEYS: 'k1,k2', ... }) // { ok: true, secrets: { apiKeys: ['k1', 'k2'], ... } }
 */
export const parseSecrets = (env: Record<string, unknown>): SecretsResult => {
  const text = (name: string) => (typeof env[name] === 'string' ? (env[name] as string) : undefined)
  const problems: string[] = []
  const apiKeys = list(text('API_KEYS'))
  const orgTokens = list(text('ORG_TOKENS'))
  const tokenSecret = text('TOKEN_SECRET') ?? ''
  if (apiKeys.length === 0) problems.push('API_KEYS is not set (comma-separated API keys)')
  if (apiKeys.some((k) => k.length < 16))
    problems.push('API_KEYS entries must be at least 16 characters')
  if (apiKeys.some((k) => !isHeaderValue(k)))
    problems.push('API_KEYS entries may hold only visible ASCII characters (an X-API-Key value)')
  if (orgTokens.length === 0)
    problems.push('ORG_TOKENS is not set (comma-separated organisation tokens)')
  if (orgTokens.some((k) => k.length < 16))
    problems.push('ORG_TOKENS entries must be at least 16 characters')
  if (orgTokens.some((k) => !isToken68(k)))
    problems.push(
      'ORG_TOKENS entries may hold only letters, digits, - . _ ~ + / and a trailing = (a bearer token)',
    )
  if (tokenSecret.length < 32) problems.push('TOKEN_SECRET must be at least 32 characters')
  const placeholders = [
    ...(apiKeys.some(isPlaceholder) ? ['API_KEYS'] : []),
    ...(orgTokens.some(isPlaceholder) ? ['ORG_TOKENS'] : []),
    ...(isPlaceholder(tokenSecret) ? ['TOKEN_SECRET'] : []),
  ]
  for (const name of placeholders)
    problems.push(`${name} holds an example's placeholder: set a random value of your own`)
  let encryptionKey: Uint8Array<ArrayBuffer> = new Uint8Array()
  try {
    encryptionKey = fromBase64(text('ENCRYPTION_KEY') ?? '')
  } catch {
    // reported below with the length check
  }
  if (encryptionKey.length !== 32) problems.push('ENCRYPTION_KEY must be the base64 of 32 bytes')
  // 32 equal bytes (the example's zeros) is no key: random bytes are never all alike.
  else if (encryptionKey.every((byte) => byte === encryptionKey[0]))
    problems.push('ENCRYPTION_KEY is 32 equal bytes (an example): use 32 random bytes')
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, secrets: { apiKeys, orgTokens, tokenSecret, encryptionKey } }
}
