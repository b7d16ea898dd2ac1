import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { tokenSigner } from '../../src/crypto/tokens.ts'
import { CodeDeliveryError } from '../../src/app/code-delivery-error.ts'
import { bodyTypeFor, type Dto, OP, opRequest, otherCode, readDto } from '../support/cognito.ts'
import { TEST_ENV } from '../support/deterministic.ts'
import { MEDIA_TYPES } from '../support/requests.ts'
import type { Target } from '../support/target.ts'

const EMAIL = 'ada@example.com'
const MINUTE = 60_000
// README: "A code expires after 15 minutes, allows 5 attempts"; "at most 5 codes per 15 minutes
// from one client network", and "a network is issued at most 20 sends to an address in its
// window, refunded ones included". Written out rather than read from the pool's policy, so a
// change of any of them fails a test.
const CODE_LIFETIME = 15 * MINUTE
const ATTEMPTS = 5
const SENDS_PER_NETWORK = 5
const ISSUED_PER_NETWORK = 20
const SEND_WINDOW = 15 * MINUTE

/** One call of the operation in `mediaType`: status, headers and the DTO. */
const call = async (t: Target, dto: Dto, mediaType = 'application/json') => {
  const res = await t.request(OP, opRequest(dto, mediaType, bodyTypeFor(mediaType)))
  expect(res.headers.get('Content-Type')).toContain(mediaType)
  return { status: res.status, headers: res.headers, dto: await readDto(res) }
}

const send = (t: Target, email = EMAIL) => call(t, { EmailAddress: email })
const confirm = (t: Target, code: string, email = EMAIL) =>
  call(t, { EmailAddress: email, ConfirmationCode: code })

/** Everything stored about users and codes, to show a failure changed nothing. */
const stored = async (t: Target) => ({
  users: await t.query('SELECT * FROM cognito_users ORDER BY id'),
  codes: await t.query('SELECT * FROM cognito_codes ORDER BY user_id'),
  sends: await t.query('SELECT * FROM cognito_code_sends ORDER BY user_id, client_key'),
})

describe('CognitoSendConfirmCodeRequest: send, then confirm', () => {
  it.each(MEDIA_TYPES)(
    'sends, refuses a wrong code, confirms, then refuses reuse in %s',
    async (mediaType) => {
      const t = await makeTarget()
      const sent = await call(t, { EmailAddress: EMAIL }, mediaType)
      expect(sent.status).toBe(200)
      expect(sent.dto).toMatchObject({
        Total: '1',
        OpCode: '0',
        CachedResponse: 'false',
        'Data.UserID': '000000000000000000000001',
        'Data.Username': EMAIL,
        'Data.Status': 'UNCONFIRMED',
        'Data.UserPool.PoolID': expect.any(String),
        'Data.Attributes.email': EMAIL,
        'Data.Attributes.email_verified': 'false',
      })
      expect(sent.dto).not.toHaveProperty('ErrorText')
      const code = t.codeSender.last(EMAIL)!
      expect(code).toMatch(/^\d{6}$/)

      const wrong = await call(
        t,
        { EmailAddress: EMAIL, ConfirmationCode: otherCode(code) },
        mediaType,
      )
      expect(wrong.status).toBe(400)
      expect(wrong.dto).toMatchObject({ OpCode: '2001', Total: '0' })
      expect(wrong.dto.ErrorText).toMatch(/wrong; 4 attempts left/)

      const right = await call(t, { EmailAddress: EMAIL, ConfirmationCode: code }, mediaType)
      expect(right.status).toBe(200)
      expect(right.dto).toMatchObject({
        Total: '2',
        OpCode: '0',
        'Data.Status': 'CONFIRMED',
        'Data.Attributes.email_verified': 'true',
        'Data.SessionTokens.IssuedTime': '2026-01-02T03:04:05.000Z',
        'Data.SessionTokens.ExpirationTime': '2026-01-02T04:04:05.000Z',
        'Data2.Status': 'UNCONFIRMED',
        'Data2.Attributes.email_verified': 'false',
        'Data2.UserID': sent.dto['Data.UserID'],
      })
      expect(Object.keys(right.dto).some((k) => k.startsWith('Data2.SessionTokens'))).toBe(false)

      const reuse = await call(t, { EmailAddress: EMAIL, ConfirmationCode: code }, mediaType)
      expect(reuse.status).toBe(410)
      expect(reuse.dto).toMatchObject({ OpCode: '2004', Total: '0' })
      expect(reuse.dto.ErrorText).toMatch(/No confirmation code is pending/)
    },
  )

  it('issues id, access and refresh tokens signed for the user, one kind each', async () => {
    const t = await makeTarget()
    await send(t)
    const { dto } = await confirm(t, t.codeSender.last(EMAIL)!)
    const tokens = await tokenSigner(TEST_ENV.TOKEN_SECRET)
    // README: id/access tokens live 1 hour, the refresh token 30 days, from the confirm.
    const issuedAt = Date.parse('2026-01-02T03:04:05.000Z') / 1000
    for (const [member, kind, lifetime] of [
      ['IdToken', 'id', 3600],
      ['AccessToken', 'access', 3600],
      ['RefreshToken', 'refresh', 30 * 24 * 3600],
    ] as const) {
      const token = dto[`Data.SessionTokens.${member}`]!
      const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))
      expect(payload, member).toMatchObject({ iat: issuedAt, exp: issuedAt + lifetime })
      const result = await tokens.verify(token, kind, t.clock())
      expect(result).toMatchObject({ ok: true, claims: { sub: dto['Data.UserID'] } })
      expect(await tokens.verify(token, kind === 'id' ? 'access' : 'id', t.clock())).toEqual({
        ok: false,
        reason: 'kind',
      })
    }
  })

  it('lets exactly one of two concurrent confirms use the code', async () => {
    const t = await makeTarget()
    await send(t)
    const code = t.codeSender.last(EMAIL)!
    const results = await Promise.all([confirm(t, code), confirm(t, code)])
    expect(results.map((r) => r.status).sort()).toEqual([200, 410])
    expect(results.find((r) => r.status === 410)!.dto.OpCode).toBe('2004')
    const [user] = await t.query<{ status: string }>('SELECT status FROM cognito_users')
    expect(user!.status).toBe('CONFIRMED')
  })

  it('never calls a right code wrong when many confirm it at once', async () => {
    const t = await makeTarget()
    await send(t)
    const code = t.codeSender.last(EMAIL)!
    const results = await Promise.all(Array.from({ length: 12 }, () => confirm(t, code)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of results.filter((r) => r.status !== 200))
      expect(r.dto.ErrorText).not.toMatch(/wrong/)
  })

  it('says how many attempts are left as they stand when wrong codes come at once', async () => {
    const t = await makeTarget()
    await send(t)
    const wrong = otherCode(t.codeSender.last(EMAIL)!)
    const results = await Promise.all(Array.from({ length: ATTEMPTS }, () => confirm(t, wrong)))
    expect(results.map((r) => r.dto.OpCode)).toEqual(Array(ATTEMPTS).fill('2001'))
    // The last attempt counted reads the count after it: none are left.
    expect(results.map((r) => r.dto.ErrorText)).toContainEqual(
      expect.stringMatching(/no attempts are left/),
    )
  })

  it('treats the address case-insensitively and delivers to the lowercased address', async () => {
    const t = await makeTarget()
    expect((await send(t, 'Ada@Example.COM')).dto['Data.Username']).toBe(EMAIL)
    expect((await confirm(t, t.codeSender.last(EMAIL)!, 'ADA@example.com')).status).toBe(200)
    expect(await t.query('SELECT id FROM cognito_users')).toHaveLength(1)
  })

  it('replaces the pending code with each new one', async () => {
    const t = await makeTarget()
    await send(t)
    const first = t.codeSender.last(EMAIL)!
    // Codes are random: one new code in a million is the same again. Send until one differs
    // (a few sends stay inside the network's budget of 5).
    let second = first
    for (let sends = 0; second === first && sends < 3; sends++) {
      expect((await send(t)).status).toBe(200)
      second = t.codeSender.last(EMAIL)!
    }
    expect(second).not.toBe(first)
    const replaced = await confirm(t, first)
    expect(replaced.status).toBe(400)
    expect(replaced.dto.OpCode).toBe('2001')
    expect((await confirm(t, second)).status).toBe(200)
  })

  it('answers 404 for an address that never asked for a code, storing nothing', async () => {
    const t = await makeTarget()
    const res = await confirm(t, '123456')
    expect(res.status).toBe(404)
    expect(res.dto).toMatchObject({ OpCode: '2002', Total: '0' })
    expect(await stored(t)).toEqual({ users: [], codes: [], sends: [] })
  })
})

describe('CognitoSendConfirmCodeRequest: limits on the injected clock', () => {
  it('refuses a code from 15 minutes on, changing nothing', async () => {
    const t = await makeTarget()
    await send(t)
    const code = t.codeSender.last(EMAIL)!
    t.clock.advance(CODE_LIFETIME)
    const before = await stored(t)
    const res = await confirm(t, code)
    expect(res.status).toBe(410)
    expect(res.dto.OpCode).toBe('2003')
    expect(res.dto.ErrorText).toMatch(/expired/)
    expect(await stored(t)).toEqual(before)
  })

  it('accepts a code one millisecond before it expires', async () => {
    const t = await makeTarget()
    await send(t)
    t.clock.advance(CODE_LIFETIME - 1)
    expect((await confirm(t, t.codeSender.last(EMAIL)!)).status).toBe(200)
  })

  it('allows 5 attempts per code, counting only the attempts, until a new code', async () => {
    const t = await makeTarget()
    await send(t)
    const code = t.codeSender.last(EMAIL)!
    for (const left of ['4 attempts', '3 attempts', '2 attempts', '1 attempt', 'no attempts']) {
      const before = await stored(t)
      const res = await confirm(t, otherCode(code))
      expect(res.status).toBe(400)
      expect(res.dto.ErrorText).toContain(left)
      const after = await stored(t)
      expect(after.users).toEqual(before.users)
      const [was, is] = [before.codes[0] as any, after.codes[0] as any]
      expect({ ...is, attempts: was.attempts }).toEqual(was)
      expect(is.attempts).toBe(was.attempts + 1)
    }
    const blocked = await confirm(t, code)
    expect(blocked.status).toBe(429)
    expect(blocked.dto).toMatchObject({ OpCode: '2005' })
    await send(t)
    expect((await confirm(t, t.codeSender.last(EMAIL)!)).status).toBe(200)
  })
})

describe('CognitoSendConfirmCodeRequest: BaseResponse', () => {
  it('reports the measured execution time as .NET TimeSpan text', async () => {
    let now = 0
    // Each reading is 1.2345 ms after the last: the handler reads at its start and its end.
    const t = await makeTarget({ timer: () => (now += 1.2345) })
    const { dto } = await send(t)
    expect(dto.TotalExecutionTime).toBe('00:00:00.0012345')
  })

  it('stamps request and response times from the injected clock, also on failures', async () => {
    const t = await makeTarget()
    t.clock.advance(MINUTE)
    const { dto } = await call(t, {})
    expect(dto).toMatchObject({
      Total: '0',
      OpCode: '1000',
      RequestTime: '2026-01-02T03:05:05.000Z',
      ResponseTime: '2026-01-02T03:05:05.000Z',
      TotalExecutionTime: '00:00:00.0000000',
      CachedResponse: 'false',
    })
  })
})

describe('CognitoSendConfirmCodeRequest: secrets', () => {
  it('stores only a keyed hash of the code and shows no code, hash or secret', async () => {
    const t = await makeTarget()
    const responses: { status: number; dto: Dto; text: string }[] = []
    const record = async (dto: Dto, mediaType: string) => {
      const res = await t.request(OP, opRequest(dto, mediaType, bodyTypeFor(mediaType)))
      const text = await res.clone().text()
      responses.push({ status: res.status, dto: await readDto(res), text })
    }
    const hashes: string[] = []
    for (const mediaType of MEDIA_TYPES) {
      const email = `${mediaType.replace(/\W/g, '-')}@example.com`
      await record({ EmailAddress: email }, mediaType)
      const code = t.codeSender.last(email)!
      const [row] = await t.query<{ code_hash: string }>(
        `SELECT code_hash FROM cognito_codes c JOIN cognito_users u ON u.id = c.user_id WHERE u.email = '${email}'`,
      )
      expect(row!.code_hash).toMatch(/^[0-9a-f]{64}$/)
      expect(row!.code_hash).not.toContain(code)
      hashes.push(row!.code_hash)
      await record({ EmailAddress: email, ConfirmationCode: otherCode(code) }, mediaType)
      await record({ EmailAddress: email, ConfirmationCode: code }, mediaType)
      for (const { dto, text } of responses) {
        for (const [key, value] of Object.entries(dto)) {
          if (key === 'TotalExecutionTime' || key.includes('SessionTokens')) continue
          expect(value, key).not.toContain(code)
        }
        for (const hash of hashes) expect(text).not.toContain(hash)
        expect(text).not.toContain(TEST_ENV.TOKEN_SECRET)
      }
    }
    expect(responses.map((r) => r.status)).toEqual(MEDIA_TYPES.flatMap(() => [200, 400, 200]))
  })
})

describe('CognitoSendConfirmCodeRequest: a sender that fails', () => {
  it('answers 502 in the DTO, code 2007, without the code in the body or the log', async () => {
    const tried: string[] = []
    const t = await makeTarget({
      codeSender: {
        send: async (_email, code) => {
          tried.push(code)
          throw new CodeDeliveryError('the webhook answered 503')
        },
      },
    })
    const res = await t.request(OP, opRequest({ EmailAddress: 'ada@example.com' }))
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({
      OpCode: 2007,
      ErrorText: 'The confirmation code could not be delivered; try again shortly.',
      Total: 0,
    })
    expect(tried).toHaveLength(1)
    expect(text).not.toContain(tried[0])
    const log = JSON.stringify(t.logger.lines)
    expect(log).toContain('the webhook answered 503')
    expect(log).not.toContain(tried[0])
  })

  /** A sender that fails while `down` says so, and remembers what it delivered. */
  const flaky = () => {
    const delivered: string[] = []
    const sender = {
      down: false,
      /** How a failure leaves the code: refused by the service, or perhaps still on its way. */
      undelivered: true,
      send: async (_email: string, code: string) => {
        if (sender.down)
          throw new CodeDeliveryError('the webhook answered 503', {
            undelivered: sender.undelivered,
          })
        delivered.push(code)
      },
    }
    return { sender, delivered }
  }

  it('keeps the code delivered before pending, so it still confirms', async () => {
    const { sender, delivered } = flaky()
    const t = await makeTarget({ codeSender: sender })
    expect((await send(t)).status).toBe(200)
    const before = await stored(t)
    sender.down = true
    expect((await send(t)).status).toBe(502)
    // Refunded: only the network's sends issued, withdrawn ones included, keep it.
    expect(await stored(t)).toEqual({ ...before, sends: [{ ...before.sends[0], issued: 2 }] })
    const { status, dto } = await confirm(t, delivered[0]!)
    expect(status).toBe(200)
    expect(dto.OpCode).toBe('0')
  })

  it('tells a confirm after an undelivered first send that no code was delivered', async () => {
    const { sender, delivered } = flaky()
    const t = await makeTarget({ codeSender: sender })
    sender.down = true
    expect((await send(t)).status).toBe(502)
    const { status, dto } = await confirm(t, '123456')
    expect(status).toBe(410)
    expect(dto).toMatchObject({
      OpCode: '2004',
      ErrorText:
        'No confirmation code is pending for this address (none was delivered, or it was used ' +
        'or replaced); send the EmailAddress alone to get a new code.',
    })
    // The next send goes out, and its code confirms.
    sender.down = false
    expect((await send(t)).status).toBe(200)
    expect((await confirm(t, delivered[0]!)).status).toBe(200)
  })

  it('keeps the delivery and its withdrawal alive past a client that goes away (waitUntil)', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let started = () => {}
    const sending = new Promise<void>((resolve) => (started = resolve))
    const t = await makeTarget({
      codeSender: {
        send: async () => {
          started()
          await gate
          throw new CodeDeliveryError('the webhook answered 503', { undelivered: true })
        },
      },
    })
    // A Worker invocation's context: the runtime cancels a request's work once its client
    // disconnects, all but what was passed here.
    const kept: Promise<unknown>[] = []
    const ctx = { waitUntil: (p: Promise<unknown>) => kept.push(p), passThroughOnException() {} }
    const answer = t.request(OP, opRequest({ EmailAddress: EMAIL }), ctx as never)
    await sending
    expect(kept).toHaveLength(1)
    release()
    await Promise.all(kept)
    // The work kept alive withdrew the send on its own: the address is free and refunded.
    expect(await t.query('SELECT sending_until, sends FROM cognito_codes')).toEqual([
      { sending_until: null, sends: 0 },
    ])
    expect((await answer).status).toBe(502)
  })

  it('still answers the failed delivery, and logs it, when the withdrawal fails too', async () => {
    const target: { current?: Target } = {}
    const t = await makeTarget({
      codeSender: {
        send: async () => {
          // The store fails under the withdrawal that follows (the table is back below: on
          // Workers the tests of a file share one database).
          await target.current!.query('ALTER TABLE cognito_code_sends RENAME TO away')
          throw new CodeDeliveryError('the webhook answered 503', { undelivered: true })
        },
      },
    })
    target.current = t
    const { status, dto } = await send(t).finally(() =>
      t.query('ALTER TABLE away RENAME TO cognito_code_sends'),
    )
    expect(status).toBe(502)
    expect(dto.OpCode).toBe('2007')
    const logged = t.logger.lines.map((l) => JSON.parse(l) as { message: string })
    expect(logged.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'confirmation code send not withdrawn',
        'confirmation code not delivered',
      ]),
    )
  })

  it('answers a delivered code as sent, and logs it, when ending the send fails', async () => {
    const target: { current?: Target } = {}
    const delivered: string[] = []
    const t = await makeTarget({
      codeSender: {
        send: async (_email: string, code: string) => {
          delivered.push(code)
          // The code has left; the store fails under the write that ends the send.
          await target.current!.query('ALTER TABLE cognito_codes RENAME TO away')
        },
      },
    })
    target.current = t
    const { status, dto } = await send(t).finally(() =>
      t.query('ALTER TABLE away RENAME TO cognito_codes'),
    )
    // A code that left is no failure the client should retry.
    expect(status).toBe(200)
    expect(dto.OpCode).toBe('0')
    expect(dto['Data.Username']).toBe(EMAIL)
    const logged = t.logger.lines.map((l) => JSON.parse(l) as { message: string })
    expect(logged.map((l) => l.message)).toContain('confirmation code send not ended')
    expect((await confirm(t, delivered[0]!)).status).toBe(200)
  })

  it('keeps a code used before a failed delivery used', async () => {
    const { sender, delivered } = flaky()
    const t = await makeTarget({ codeSender: sender })
    await send(t)
    expect((await confirm(t, delivered[0]!)).status).toBe(200)
    sender.down = true
    expect((await send(t)).status).toBe(502)
    const again = await confirm(t, delivered[0]!)
    expect(again.status).toBe(410)
    expect(again.dto.OpCode).toBe('2004')
  })

  it('counts a delivery that may still arrive (a timeout), and keeps its code pending', async () => {
    const { sender } = flaky()
    const t = await makeTarget({ codeSender: sender })
    sender.down = true
    sender.undelivered = false
    for (let i = 0; i < SENDS_PER_NETWORK; i++) expect((await send(t)).status).toBe(502)
    expect((await send(t)).status).toBe(429)
    const [row] = await t.query<{ code_hash: string | null }>('SELECT code_hash FROM cognito_codes')
    expect(row!.code_hash).not.toBeNull()
  })

  it('counts no failed delivery against either send budget', async () => {
    const { sender, delivered } = flaky()
    const t = await makeTarget({ codeSender: sender })
    sender.down = true
    for (let i = 0; i < ISSUED_PER_NETWORK; i++) expect((await send(t)).status).toBe(502)
    expect(await t.query('SELECT 1 FROM cognito_codes WHERE code_hash IS NOT NULL')).toEqual([])
    expect(await t.query('SELECT sends FROM cognito_codes')).toEqual([{ sends: 0 }])
    expect(await t.query('SELECT sends FROM cognito_code_sends')).toEqual([{ sends: 0 }])
    // Those are all the sends one network is issued in a window, refunded or not.
    sender.down = false
    expect((await send(t)).dto.OpCode).toBe('2006')
    t.clock.advance(SEND_WINDOW)
    expect((await send(t)).status).toBe(200)
    expect((await confirm(t, delivered[0]!)).status).toBe(200)
  })
})
