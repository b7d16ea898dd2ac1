import { hasBadPort } from './bad-ports.ts'
import { isHeaderValue, isPlaceholder } from './secrets.ts'

/** How confirmation codes leave the gateway. */
export type CodeSenderConfig =
  | {
      kind: 'webhook'
      /** Receives `POST {email, code}` as JSON (CODE_WEBHOOK_URL). */
      url: string
      /** Sent as `Authorization: Bearer …` (CODE_WEBHOOK_SECRET). */
      secret: string
      /** How long a delivery may take before it counts as failed. */
      timeoutMs: number
    }
  /** Development only: the code is written to the log. */
  | { kind: 'log' }

export type CodeSenderResult =
  { ok: true; config: CodeSenderConfig } | { ok: false; problems: string[] }

/** The default delivery timeout (CODE_WEBHOOK_TIMEOUT_MS). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000

// A Worker's `[vars]` may give a number as a TOML number; the environment, as text. Blank is
// unset, as for every other variable (`CODE_WEBHOOK_URL= ` in a `.env` file).
const text = (env: Record<string, unknown>, name: string) => {
  const value = typeof env[name] === 'number' ? String(env[name]) : env[name]
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

const isUrl = (value: string, production: boolean): boolean => {
  try {
    const { protocol, username, password } = new URL(value)
    // Credentials in a URL are refused by fetch; the secret is CODE_WEBHOOK_SECRET's.
    if (username !== '' || password !== '') return false
    // A code is a credential: in production it travels encrypted.
    return protocol === 'https:' || (!production && protocol === 'http:')
  } catch {
    return false
  }
}

/**
 * Reads how confirmation codes are delivered: a webhook (`CODE_WEBHOOK_URL`, with
 * `CODE_WEBHOOK_SECRET` and optionally `CODE_WEBHOOK_TIMEOUT_MS`), or, in development only, the
 * log. Production without a webhook is a problem, as missing secrets are: codes are never
 * logged there. Problems name variables, never echo a value.
 *
 * @example
 * parseCodeSender({ CODE_WEBHOOK_URL: 'https://mail.example/codes', CODE_WEBHOOK_SECRET: '…' }, true)
 * // { ok: true, config: { kind: 'webhook', url: 'https://mail.example/codes', ... } }
 * parseCodeSender({}, false) // { ok: true, config: { kind: 'log' } }
 */
export const parseCodeSender = (
  env: Record<string, unknown>,
  production: boolean,
): CodeSenderResult => {
  const url = text(env, 'CODE_WEBHOOK_URL')
  const secret = text(env, 'CODE_WEBHOOK_SECRET')
  const timeout = text(env, 'CODE_WEBHOOK_TIMEOUT_MS')
  if (url === undefined) {
    if (secret !== undefined || timeout !== undefined)
      return {
        ok: false,
        problems: [
          'CODE_WEBHOOK_SECRET or CODE_WEBHOOK_TIMEOUT_MS is set, CODE_WEBHOOK_URL is not',
        ],
      }
    if (production)
      return {
        ok: false,
        problems: [
          'CODE_WEBHOOK_URL is not set: production delivers confirmation codes through a ' +
            'webhook (the log sender is for development only)',
        ],
      }
    return { ok: true, config: { kind: 'log' } }
  }
  const problems: string[] = []
  if (!isUrl(url, production))
    problems.push(
      `CODE_WEBHOOK_URL must be an ${production ? 'https' : 'http(s)'} URL without credentials`,
    )
  else if (hasBadPort(new URL(url)))
    problems.push(
      `CODE_WEBHOOK_URL names port ${new URL(url).port}, which fetch refuses to connect to ` +
        '(a "bad port", such as 25 or 6000): every delivery would fail',
    )
  if ((secret ?? '').length < 16)
    problems.push('CODE_WEBHOOK_SECRET must be at least 16 characters')
  else if (!isHeaderValue(secret!) || /\s/.test(secret!))
    problems.push('CODE_WEBHOOK_SECRET may hold only visible ASCII characters (a bearer token)')
  else if (isPlaceholder(secret!))
    problems.push(
      "CODE_WEBHOOK_SECRET holds an example's placeholder: set a random value of your own",
    )
  const timeoutMs = timeout === undefined ? DEFAULT_WEBHOOK_TIMEOUT_MS : Number(timeout)
  if (!/^\d+$/.test(timeout ?? '0') || timeoutMs < 100 || timeoutMs > 60_000)
    problems.push('CODE_WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 60000')
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, config: { kind: 'webhook', url, secret: secret!, timeoutMs } }
}
