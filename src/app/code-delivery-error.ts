/**
 * A confirmation code that could not be delivered (`CodeSender.send` throws it). The message
 * never holds the code or the secret.
 *
 * `undelivered` says whether the code certainly did not reach anyone: the service refused it
 * (an answer other than 2xx, but not a gateway's "lost the answer") or was never reached (no
 * connection, a failed TLS handshake, as far as the runtime tells). Such a code is withdrawn
 * and its send not counted. After a timeout or a connection lost midway the code may still
 * arrive: it stays pending, and the send counts.
 *
 * @example
 * throw new CodeDeliveryError('the webhook answered 503', { undelivered: true })
 */
export class CodeDeliveryError extends Error {
  override name = 'CodeDeliveryError'
  readonly undelivered: boolean

  constructor(message: string, { undelivered = false }: { undelivered?: boolean } = {}) {
    super(message)
    this.undelivered = undelivered
  }
}
