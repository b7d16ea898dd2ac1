import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { CodeDeliveryError } from '../../src/app/code-delivery-error.ts'
import { POLICY } from '../../src/apis/servicestack/pool.ts'
import { type Dto, OP, opRequest, readDto } from '../support/cognito.ts'
import type { Target } from '../support/target.ts'

const EMAIL = 'ada@example.com'
const MINUTE = 60_000
const PER_NETWORK = POLICY.maxSendsPerNetwork
const PER_ADDRESS = POLICY.maxSendsPerAddress

/** One call of the operation from the client address `ip` (Workers' `CF-Connecting-IP`). */
const call = async (t: Target, ip: string, dto: Dto) => {
  const init = opRequest(dto)
  const res = await t.request(OP, { ...init, headers: { ...init.headers, 'CF-Connecting-IP': ip } })
  return { status: res.status, retryAfter: res.headers.get('Retry-After'), dto: await readDto(res) }
}

const send = (t: Target, ip: string, email = EMAIL) => call(t, ip, { EmailAddress: email })
const confirm = (t: Target, ip: string, code: string) =>
  call(t, ip, { EmailAddress: EMAIL, ConfirmationCode: code })

/** The i-th of many client networks: IPv4 addresses of their own. */
const network = (i: number) => `198.51.100.${i + 1}`
const ATTACKER = '203.0.113.7'
const USER = '192.0.2.10'

/** Everything stored about users, codes and send counts, to show a refusal changed nothing. */
const stored = async (t: Target) => ({
  users: await t.query('SELECT * FROM cognito_users ORDER BY id'),
  codes: await t.query('SELECT * FROM cognito_codes ORDER BY user_id'),
  sends: await t.query('SELECT * FROM cognito_code_sends ORDER BY user_id, client_key'),
})

/** The address's count; the sum and the largest of its networks' counts, and their rows. */
const counts = async (t: Target) => {
  const [row] = await t.query<{ address: number; networks: number; most: number; rows: number }>(
    `SELECT c.sends AS address,
       (SELECT coalesce(sum(sends), 0) FROM cognito_code_sends) AS networks,
       (SELECT coalesce(max(sends), 0) FROM cognito_code_sends) AS most,
       (SELECT count(*) FROM cognito_code_sends) AS rows
     FROM cognito_codes c`,
  )
  return row
}

const sendTimes = async (t: Target, ip: string, n: number, status = 200) => {
  for (let i = 0; i < n; i++) expect((await send(t, ip)).status).toBe(status)
}

describe('CognitoSendConfirmCodeRequest: sends per address and network', () => {
  it('sends at most 5 codes to an address from one network in 15 minutes, then 429 with Retry-After', async () => {
    const t = await makeTarget()
    for (let i = 0; i < PER_NETWORK; i++) {
      expect((await send(t, ATTACKER)).status).toBe(200)
      t.clock.advance(MINUTE)
    }
    const before = await stored(t)
    const limited = await send(t, ATTACKER)
    expect(limited.status).toBe(429)
    expect(limited.dto).toMatchObject({
      OpCode: '2006',
      Total: '0',
      ErrorText:
        'Too many confirmation codes were sent to this address from your network; try again in 600 seconds.',
    })
    expect(limited.retryAfter).toBe(String(10 * 60))
    expect(await stored(t)).toEqual(before)
    expect(t.codeSender.sent).toHaveLength(PER_NETWORK)
    expect((await send(t, ATTACKER, 'other@example.com')).status).toBe(200)
    t.clock.advance(10 * MINUTE)
    expect((await send(t, ATTACKER)).status).toBe(200)
    expect((await confirm(t, ATTACKER, t.codeSender.last(EMAIL)!)).status).toBe(200)
  })

  it('still sends the user a code from another network once one network spent its budget', async () => {
    const t = await makeTarget()
    await sendTimes(t, ATTACKER, PER_NETWORK)
    expect((await send(t, ATTACKER)).status).toBe(429)
    const mine = await send(t, USER)
    expect(mine.status).toBe(200)
    expect(mine.dto.OpCode).toBe('0')
    expect((await confirm(t, USER, t.codeSender.last(EMAIL)!)).status).toBe(200)
    // The user's send spent nothing of the other network's budget, nor it of the user's.
    expect((await send(t, ATTACKER)).status).toBe(429)
    await sendTimes(t, USER, PER_NETWORK - 1)
  })

  it('counts an IPv6 client by its /64, so rotating addresses inside it does not help', async () => {
    const t = await makeTarget()
    for (let i = 1; i <= PER_NETWORK; i++)
      expect((await send(t, `2001:db8:1:2::${i.toString(16)}`)).status).toBe(200)
    expect((await send(t, '2001:db8:1:2:ffff::1')).status).toBe(429)
    expect((await send(t, '2001:db8:1:3::1')).status).toBe(200)
  })

  it('caps an address at 20 codes over all networks, changing nothing when it refuses', async () => {
    const t = await makeTarget()
    for (let n = 0; n < PER_ADDRESS / PER_NETWORK; n++) {
      await sendTimes(t, network(n), PER_NETWORK)
      t.clock.advance(MINUTE)
    }
    const before = await stored(t)
    const limited = await send(t, USER)
    expect(limited.status).toBe(429)
    // The address's window began at its first send, 4 minutes ago.
    expect(limited.retryAfter).toBe(String(11 * 60))
    expect(limited.dto.ErrorText).toBe(
      'Too many confirmation codes were sent to this address; try again in 660 seconds.',
    )
    expect(await stored(t)).toEqual(before)
    expect(t.codeSender.sent).toHaveLength(PER_ADDRESS)
    expect((await send(t, USER, 'other@example.com')).status).toBe(200)
    t.clock.advance(11 * MINUTE)
    expect((await send(t, USER)).status).toBe(200)
  })

  it("answers the network's Retry-After when only the network's budget is spent", async () => {
    const t = await makeTarget()
    expect((await send(t, USER)).status).toBe(200)
    t.clock.advance(10 * MINUTE)
    await sendTimes(t, ATTACKER, PER_NETWORK)
    const limited = await send(t, ATTACKER)
    expect(limited.retryAfter).toBe('900')
    // The address's window ends first; the network's still refuses until its own ends.
    t.clock.advance(5 * MINUTE)
    expect((await send(t, USER)).status).toBe(200)
    const still = await send(t, ATTACKER)
    expect(still.status).toBe(429)
    expect(still.retryAfter).toBe('600')
    t.clock.advance(10 * MINUTE)
    expect((await send(t, ATTACKER)).status).toBe(200)
  })

  it('answers the later of the two windows when both budgets are spent', async () => {
    const t = await makeTarget()
    // The address's window begins now; the last network's 5 minutes later.
    await sendTimes(t, network(0), PER_NETWORK)
    t.clock.advance(5 * MINUTE)
    for (let n = 1; n < PER_ADDRESS / PER_NETWORK; n++) await sendTimes(t, network(n), PER_NETWORK)
    const last = network(PER_ADDRESS / PER_NETWORK - 1)
    const limited = await send(t, last)
    expect(limited.retryAfter).toBe('900')
    expect(limited.dto.ErrorText).toBe(
      'Too many confirmation codes were sent to this address; try again in 900 seconds.',
    )
    t.clock.advance(10 * MINUTE)
    expect((await send(t, last)).retryAfter).toBe('300')
    expect((await send(t, USER)).status).toBe(200)
  })

  it('forgets networks whose window is over when the address is sent a code', async () => {
    const t = await makeTarget()
    for (let n = 0; n < 3; n++) await sendTimes(t, network(n), 1)
    t.clock.advance(POLICY.sendWindowMs)
    await sendTimes(t, USER, 1)
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 1 })
  })
})

describe('CognitoSendConfirmCodeRequest: concurrent sends', () => {
  it('issues no more than 5 codes to one network, however many requests race', async () => {
    const t = await makeTarget()
    const results = await Promise.all(Array.from({ length: 12 }, () => send(t, ATTACKER)))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_NETWORK)
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - PER_NETWORK)
    expect(t.codeSender.sent).toHaveLength(PER_NETWORK)
    expect(await counts(t)).toEqual({ address: 5, networks: 5, most: 5, rows: 1 })
    expect((await send(t, USER)).status).toBe(200)
  })

  it('issues no more than 20 codes to an address, nor 5 to any network, from racing networks', async () => {
    const t = await makeTarget()
    const networks = 8
    const ips = Array.from({ length: networks * (PER_NETWORK + 1) }, (_, i) =>
      network(i % networks),
    )
    const results = await Promise.all(ips.map((ip) => send(t, ip)))
    const issued = ips.filter((_, i) => results[i]!.status === 200)
    expect(issued).toHaveLength(PER_ADDRESS)
    for (let n = 0; n < networks; n++)
      expect(issued.filter((ip) => ip === network(n)).length).toBeLessThanOrEqual(PER_NETWORK)
    expect(results.every((r) => r.status === 200 || r.status === 429)).toBe(true)
    expect(t.codeSender.sent).toHaveLength(PER_ADDRESS)
    expect(await counts(t)).toMatchObject({ address: PER_ADDRESS, networks: PER_ADDRESS })
  })
})

type Failure = 'undelivered' | 'timeout' | undefined

/**
 * A code sender that fails as `fail` says — `undelivered` (refused, never reached) or
 * `timeout` (may still arrive) — and can hold one delivery until the test settles it.
 */
const testSender = () => {
  const delivered: string[] = []
  let gate: { arrive: () => void; outcome: Promise<Failure> } | undefined
  const sender = {
    delivered,
    fail: undefined as Failure,
    /** The next delivery waits, once it has begun (`arrived`), until `settle` ends it. */
    hold() {
      let arrive = () => {}
      let settle: (fail: Failure) => void = () => {}
      const arrived = new Promise<void>((r) => (arrive = r))
      const outcome = new Promise<Failure>((r) => (settle = r))
      gate = { arrive, outcome }
      return { arrived, settle }
    },
    send: async (_email: string, code: string) => {
      let fail = sender.fail
      const held = gate
      if (held) {
        gate = undefined
        held.arrive()
        fail = await held.outcome
      }
      if (fail) {
        const undelivered = fail === 'undelivered'
        throw new CodeDeliveryError('the webhook answered 503', { undelivered })
      }
      delivered.push(code)
    },
  }
  return sender
}

describe('CognitoSendConfirmCodeRequest: sends whose code was not delivered', () => {
  it("refunds a send surely not delivered to both budgets: the network's 5 are whole again", async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    codeSender.fail = 'undelivered'
    await sendTimes(t, ATTACKER, PER_NETWORK + 3, 502)
    expect(await counts(t)).toEqual({ address: 0, networks: 0, most: 0, rows: 1 })
    codeSender.fail = undefined
    await sendTimes(t, ATTACKER, PER_NETWORK)
    expect((await send(t, ATTACKER)).status).toBe(429)
  })

  it('keeps counting a send that may still arrive (a timeout) against both budgets', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    codeSender.fail = 'timeout'
    await sendTimes(t, ATTACKER, PER_NETWORK, 502)
    expect(await counts(t)).toEqual({ address: 5, networks: 5, most: 5, rows: 1 })
    codeSender.fail = undefined
    expect((await send(t, ATTACKER)).status).toBe(429)
    expect((await send(t, USER)).status).toBe(200)
  })

  it('refunds a send whose code a later send replaced, and keeps the later code pending', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    const held = codeSender.hold()
    const first = send(t, ATTACKER)
    await held.arrived
    expect((await send(t, USER)).status).toBe(200)
    held.settle('undelivered')
    expect((await first).status).toBe(502)
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 2 })
    expect((await confirm(t, USER, codeSender.delivered[0]!)).status).toBe(200)
  })

  it('refunds nothing from a window begun after the send was counted', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    const held = codeSender.hold()
    const first = send(t, ATTACKER)
    await held.arrived
    t.clock.advance(POLICY.sendWindowMs)
    expect((await send(t, ATTACKER)).status).toBe(200)
    held.settle('undelivered')
    expect((await first).status).toBe(502)
    // The later send began new windows for the address and the network: it alone counts.
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 1 })
    expect((await confirm(t, ATTACKER, codeSender.delivered[0]!)).status).toBe(200)
  })
})
