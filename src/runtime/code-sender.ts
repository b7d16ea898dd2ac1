import type { CodeSender, Logger } from '../app/types.ts'
import { CodeDeliveryError } from '../app/code-delivery-error.ts'
import type { CodeSenderConfig } from '../config/code-sender.ts'
import { neverSent, reasonOf } from './fetch-failure.ts'

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
  maxMs: 0,
})

// Answers of a gateway that passed the request on and then lost its upstream: the service
// may have taken the code. 502 and 504 (RFC 9110: the gateway got an invalid answer, or none
// in time), Cloudflare's 520 (the origin's answer was empty or unreadable) and 524 (the
// origin took the request and did not answer in time). Cloudflare's other origin errors come
// before a request reaches the origin: 521 refused, 522 connection timed out, 523
// unreachable, 525 TLS handshake failed, 526 invalid certificate, 530 DNS and the like.
const MAYBE_DELIVERED = new Set([502, 504, 520, 524])

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
 * request that never left (on Node: no such host, refused, a failed TLS handshake) and for
 * a status other than 2xx, except a gateway's "the upstream failed after taking it" (502,
 * 504, 520, 524).
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
        // Node's and workerd's AbortSignal.timeout: a DOMException named TimeoutError.
        if ((error as { name?: unknown } | null)?.name === 'TimeoutError')
          throw new CodeDeliveryError(`the webhook did not answer within ${timeoutMs} ms`)
        const reason = reasonOf(error)
        throw new CodeDeliveryError(`the webhook is unreachable${reason ? ` (${reason})` : ''}`, {
          undelivered: neverSent(error),
        })
      }
      // The answer is not read: only its status counts, and the connection is released.
      // A body that failed already (the connection broke right after the head) rejects its
      // cancel: the status is what counts, so that is no failure of the delivery.
      await res.body?.cancel().catch(() => undefined)
      // Anything but 2xx: the service says it did not take the code, unless a gateway in front
      // of it says it lost the service's answer.
      if (res.status < 200 || res.status > 299)
        throw new CodeDeliveryError(`the webhook answered ${res.status}`, {
          undelivered: !MAYBE_DELIVERED.has(res.status),
        })
    },
    // The timeout bounds the whole call: the request, and the answer's status line.
    maxMs: timeoutMs,
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
