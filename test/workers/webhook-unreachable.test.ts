import { describe, expect, it } from 'vitest'
import { CodeDeliveryError } from '../../src/app/code-delivery-error.ts'
import { webhookSender } from '../../src/runtime/code-sender.ts'

describe("workerd's fetch to a webhook it cannot reach", () => {
  it('counts the send: workerd says "Network connection lost." for a refused connection and for one lost after the request', async () => {
    // Nothing listens on port 1 (tcpmux); workerd, unlike browsers, does not block it.
    const sending = webhookSender({
      url: 'http://127.0.0.1:1/codes',
      secret: 'whsec_0123456789abcdef',
      timeoutMs: 5000,
    }).send('ada@example.com', '042917')
    const error = await sending.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toEqual(
      new CodeDeliveryError('the webhook is unreachable', { undelivered: false }),
    )
  })
})
