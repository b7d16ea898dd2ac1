import { describe, expect, it } from 'vitest'
import { CodeDeliveryError } from '../app/code-delivery-error.ts'
import { codeSenderFor, webhookSender } from './code-sender.ts'

const URL_ = 'https://mail.example/codes'
const SECRET = 'whsec_0123456789abcdef'

const recording = (answer: () => Promise<Response>) => {
  const calls: { url: string; init: RequestInit }[] = []
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    return answer()
  }) as unknown as typeof globalThis.fetch
  return { calls, fetch }
}

describe('webhookSender', () => {
  it('POSTs {email, code} as JSON with the secret as a bearer token', async () => {
    const { calls, fetch } = recording(async () => new Response(null, { status: 204 }))
    await webhookSender({ url: URL_, secret: SECRET, timeoutMs: 1000, fetch }).send(
      'ada@example.com',
      '042917',
    )
    expect(calls).toHaveLength(1)
    expect(calls[0]!.url).toBe(URL_)
    expect(calls[0]!.init.method).toBe('POST')
    expect(calls[0]!.init.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: `Bearer ${SECRET}`,
    })
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      email: 'ada@example.com',
      code: '042917',
    })
  })

  const refused = (code: string) => () =>
    Promise.reject(new TypeError('fetch failed', { cause: { code } }))

  it.each([
    [() => Promise.reject(new TypeError('fetch failed')), 'the webhook is unreachable', false],
    // Node's fetch names the reason in its cause: an operator tells a setting from an outage.
    [refused('CERT_HAS_EXPIRED'), 'the webhook is unreachable (CERT_HAS_EXPIRED)', true],
    [refused('ECONNREFUSED'), 'the webhook is unreachable (ECONNREFUSED)', true],
    [refused('ECONNRESET'), 'the webhook is unreachable (ECONNRESET)', false],
  ])(
    'fails without the code or the secret in its message (%#), saying if it surely did not deliver',
    async (answer, message, undelivered) => {
      const { fetch } = recording(answer)
      const sending = webhookSender({ url: URL_, secret: SECRET, timeoutMs: 1000, fetch }).send(
        'ada@example.com',
        '042917',
      )
      await expect(sending).rejects.toThrow(new CodeDeliveryError(message, { undelivered }))
    },
  )

  const answering = (status: number) => async () =>
    new Response(status === 204 ? null : 'no', { status })

  // Refunded: the service refused it, or a gateway says no request reached the service (521
  // refused, 522 connection timed out, 523 unreachable, 525 TLS failed, 526 bad certificate,
  // 530 DNS). Counted: a gateway passed the request on and lost the answer (502 a broken one,
  // 504 and Cloudflare's 524 none in time, 520 an empty one), so the code may be out.
  it.each([
    ...[302, 400, 408, 429, 500, 503, 521, 522, 523, 525, 526, 530].map((s) => [s, true] as const),
    ...[502, 504, 520, 524].map((s) => [s, false] as const),
  ])('fails a delivery answered %i, undelivered: %s', async (status, undelivered) => {
    const { fetch } = recording(answering(status))
    const sending = webhookSender({ url: URL_, secret: SECRET, timeoutMs: 1000, fetch }).send(
      'ada@example.com',
      '042917',
    )
    await expect(sending).rejects.toThrow(
      new CodeDeliveryError(`the webhook answered ${status}`, { undelivered }),
    )
  })

  it('takes a 2xx whose body broke off as delivered', async () => {
    const broken = new ReadableStream({ start: (c) => c.error(new Error('connection reset')) })
    const { fetch } = recording(async () => new Response(broken, { status: 200 }))
    await expect(
      webhookSender({ url: URL_, secret: SECRET, timeoutMs: 1000, fetch }).send('a@b.c', '042917'),
    ).resolves.toBeUndefined()
  })

  it('gives up after its timeout', async () => {
    const fetch = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason))
      })) as unknown as typeof globalThis.fetch
    const sending = webhookSender({ url: URL_, secret: SECRET, timeoutMs: 50, fetch }).send(
      'ada@example.com',
      '042917',
    )
    // It may have arrived all the same: not surely undelivered.
    await expect(sending).rejects.toThrow(
      new CodeDeliveryError('the webhook did not answer within 50 ms', { undelivered: false }),
    )
  })
})

describe('codeSenderFor', () => {
  it('says how long one delivery may take: the webhook its timeout, the log none', () => {
    const logger = { info: () => {}, warn: () => {}, error: () => {} }
    const webhook = { kind: 'webhook', url: URL_, secret: SECRET, timeoutMs: 7000 } as const
    expect(codeSenderFor(webhook, logger).maxMs).toBe(7000)
    expect(codeSenderFor({ kind: 'log' }, logger).maxMs).toBe(0)
  })
})
