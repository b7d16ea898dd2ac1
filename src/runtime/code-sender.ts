import type { CodeSender, Logger } from '../app/types.ts'
import type { CodeSenderConfig } from '../config/code-sender.ts'

/**
 * The development sender: it writes the code to the log, which is how a developer reads it
 * locally. Never used in production (`parseCodeSender`).
 *
 * @example
 * await logSender(logger).send('a@example.com', '123456') // logs "confirmation code for a@example.com: 123456"
 */
export const logSender = (logger: Logger): CodeSender => ({
  send: async (email, code) => {
    logger.info(`confirmation code for ${email}: ${code}`)
  },
})

/**
 * Why a request failed, as the runtime names it (` (ECONNREFUSED)`, ` (CERT_HAS_EXPIRED)`), so
 * an operator can tell a wrong setting from an outage; its message is not used (it may quote
 * the request).
 */
const reasonOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  const code = cause?.code
  return typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code) ? ` (${code})` : ''
}

/** A code that could not be delivered. The message never holds the code or the secret. */
export class CodeDeliveryError extends Error {
  override name = 'CodeDeliveryError'
}

export interface WebhookSenderOptions {
  url: string
  secret: string
  timeoutMs: number
  /** The runtime's `fetch` by default; tests pass their own. */
  fetch?: typeof fetch
}

/**
 * Delivers each code to a webhook (the service that mails or texts it): `POST` of
 * `{"email": …, "code": …}` as JSON with `Authorization: Bearer <secret>`. A network error, a
 * timeout or a status other than 2xx is a `CodeDeliveryError`.
 *
 * @example
 * const sender = webhookSender({ url: 'https://mail.example/codes', secret, timeoutMs: 5000 })
 * await sender.send('a@example.com', '123456')
 */
export const webhookSender = (options: WebhookSenderOptions): CodeSender => {
  const { url, secret, timeoutMs } = options
  return {
    send: async (email, code) => {
      const call = options.fetch ?? fetch
      let res: Response
      try {
        res = await call(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
          body: JSON.stringify({ email, code }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        })
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError'
        throw new CodeDeliveryError(
          timedOut
            ? `the webhook did not answer within ${timeoutMs} ms`
            : `the webhook is unreachable${reasonOf(error)}`,
        )
      }
      // The answer is not read: only its status counts, and the connection is released.
      await res.body?.cancel()
      if (res.status < 200 || res.status > 299)
        throw new CodeDeliveryError(`the webhook answered ${res.status}`)
    },
  }
}

/**
 * The sender a configuration names.
 *
 * @example
 * codeSenderFor({ kind: 'log' }, logger) // logSender(logger)
 */
export const codeSenderFor = (config: CodeSenderConfig, logger: Logger): CodeSender =>
  config.kind === 'webhook' ? webhookSender(config) : logSender(logger)
