import { fromBase64 } from '../crypto/encoding.ts'

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

/** The environment variables that carry secrets, for messages and docs. */
export const SECRET_NAMES = ['API_KEYS', 'ORG_TOKENS', 'TOKEN_SECRET', 'ENCRYPTION_KEY'] as const

/**
 * Reads and checks the secrets from an environment (process.env or a Workers env). Every
 * problem is reported at once, by variable name, never echoing a value.
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
  if (orgTokens.length === 0)
    problems.push('ORG_TOKENS is not set (comma-separated organisation tokens)')
  if (orgTokens.some((k) => k.length < 16))
    problems.push('ORG_TOKENS entries must be at least 16 characters')
  if (tokenSecret.length < 32) problems.push('TOKEN_SECRET must be at least 32 characters')
  let encryptionKey: Uint8Array<ArrayBuffer> = new Uint8Array()
  try {
    encryptionKey = fromBase64(text('ENCRYPTION_KEY') ?? '')
  } catch {
    // reported below with the length check
  }
  if (encryptionKey.length !== 32) problems.push('ENCRYPTION_KEY must be the base64 of 32 bytes')
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, secrets: { apiKeys, orgTokens, tokenSecret, encryptionKey } }
}
