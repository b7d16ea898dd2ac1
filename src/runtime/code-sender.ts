import type { CodeSender, Logger } from '../app/types.ts'
import { CodeDeliveryError } from '../app/code-delivery-error.ts'
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
 * Why a request failed, as the runtime names it (`ECONNREFUSED`, `CERT_HAS_EXPIRED`), so an
 * operator can tell a wrong setting from an outage; its message is not used (it may quote the
 * request).
 */
const reasonOf = (error: unknown): string | undefined => {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code
  return typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code) ? code : undefined
}

// Failures before a request leaves: nothing was sent. A reset or a timeout may come after.
const NEVER_SENT =
  /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT|CERT_.*|ERR_TLS_.*|.*_CERT(?:_.*)?|.*SELF_SIGNED.*)$/

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
 * timeout or a status other than 2xx is a `CodeDeliveryError`, certainly undelivered for a
 * status other than 2xx and for a request that never left (refused, no such host, TLS).
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
        if (error instanceof Error && error.name === 'TimeoutError')
          throw new CodeDeliveryError(`the webhook did not answer within ${timeoutMs} ms`)
        const reason = reasonOf(error)
        throw new CodeDeliveryError(`the webhook is unreachable${reason ? ` (${reason})` : ''}`, {
          undelivered: reason !== undefined && NEVER_SENT.test(reason),
        })
      }
      // The answer is not read: only its status counts, and the connection is released.
      await res.body?.cancel()
      // Anything but 2xx: the service says it did not take the code.
      if (res.status < 200 || res.status > 299)
        throw new CodeDeliveryError(`the webhook answered ${res.status}`, { undelivered: true })
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
