import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { CodeDeliveryError } from '../../src/app/code-delivery-error.ts'
import { type Dto, OP, opRequest, readDto } from '../support/cognito.ts'
import type { Target } from '../support/target.ts'

const EMAIL = 'ada@example.com'
const MINUTE = 60_000
// The documented budgets (README, ServiceStack; SECURITY.md), not the code's own constants: "at
// most 5 codes per 15 minutes from one client network … and 20 from all networks together",
// and "a network is issued at most 20 sends to an address in its window, refunded ones
// included".
const PER_NETWORK = 5
const PER_ADDRESS = 20
const ISSUED_PER_NETWORK = 20
const WINDOW = 15 * MINUTE

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

/** A send from `ip` refused for its network's budget, with `seconds` to wait, changing nothing. */
const expectNetworkRefusal = async (t: Target, ip: string, seconds: number) => {
  const before = await stored(t)
  const limited = await send(t, ip)
  expect(limited.status).toBe(429)
  expect(limited.dto).toMatchObject({
    OpCode: '2006',
    Total: '0',
    ErrorText: `Too many confirmation codes were sent to this address from your network; try again in ${seconds} seconds.`,
  })
  expect(limited.retryAfter).toBe(String(seconds))
  expect(await stored(t)).toEqual(before)
}

describe('CognitoSendConfirmCodeRequest: sends per address and network', () => {
  it('sends at most 5 codes to an address from one network in 15 minutes, then 429 with Retry-After', async () => {
    const t = await makeTarget()
    for (let i = 0; i < PER_NETWORK; i++) {
      expect((await send(t, ATTACKER)).status).toBe(200)
      t.clock.advance(MINUTE)
    }
    await expectNetworkRefusal(t, ATTACKER, 10 * 60)
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
    t.clock.advance(WINDOW)
    await sendTimes(t, USER, 1)
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 1 })
  })
})

/** A sender that takes a few milliseconds per code and records the most deliveries at once. */
const slowSender = () => {
  const sender = {
    sent: 0,
    inFlight: 0,
    mostInFlight: 0,
    send: async () => {
      sender.inFlight++
      sender.mostInFlight = Math.max(sender.mostInFlight, sender.inFlight)
      await new Promise((r) => setTimeout(r, 5))
      sender.inFlight--
      sender.sent++
    },
  }
  return sender
}

/**
 * Sends from every one of `ips` at once, round after round, until a round issues no code:
 * every answer, with the address it came from, and the last round's.
 */
const raceUntilRefused = async (t: Target, ips: string[]) => {
  const answers: { ip: string; status: number; dto: Dto }[] = []
  for (let round = 0; round < 40; round++) {
    const results = await Promise.all(ips.map((ip) => send(t, ip)))
    answers.push(...results.map((r, i) => ({ ip: ips[i]!, status: r.status, dto: r.dto })))
    if (results.every((r) => r.status !== 200)) return { answers, last: results }
  }
  throw new Error('the sends were never refused')
}

describe('CognitoSendConfirmCodeRequest: concurrent sends', () => {
  it('issues no more than 5 codes to one network, one at a time, however many requests race', async () => {
    const codeSender = slowSender()
    const t = await makeTarget({ codeSender })
    const { answers, last } = await raceUntilRefused(t, Array(12).fill(ATTACKER))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(PER_NETWORK)
    expect(codeSender.sent).toBe(PER_NETWORK)
    expect(codeSender.mostInFlight).toBe(1)
    // Refused as a send in flight while one was, and for the budget once it was spent.
    const refused = answers.filter((a) => a.status !== 200).map((a) => a.dto.OpCode)
    expect(refused.every((op) => op === '2006' || op === '2008')).toBe(true)
    expect(refused).toContain('2008')
    expect(last.every((r) => r.dto.OpCode === '2006')).toBe(true)
    expect(await counts(t)).toEqual({ address: 5, networks: 5, most: 5, rows: 1 })
    expect((await send(t, USER)).status).toBe(200)
  })

  it('issues no more than 20 codes to an address, nor 5 to any network, from racing networks', async () => {
    const codeSender = slowSender()
    const t = await makeTarget({ codeSender })
    const networks = 6
    const ips = Array.from({ length: networks * 2 }, (_, i) => network(i % networks))
    const { answers } = await raceUntilRefused(t, ips)
    const issued = answers.filter((a) => a.status === 200).map((a) => a.ip)
    expect(issued).toHaveLength(PER_ADDRESS)
    for (let n = 0; n < networks; n++)
      expect(issued.filter((ip) => ip === network(n)).length).toBeLessThanOrEqual(PER_NETWORK)
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true)
    expect(codeSender.sent).toBe(PER_ADDRESS)
    expect(codeSender.mostInFlight).toBe(1)
    expect(await counts(t)).toMatchObject({ address: PER_ADDRESS, networks: PER_ADDRESS })
  })
})

type Failure = 'undelivered' | 'timeout' | undefined

/**
 * A code sender that fails as `fail` says — `undelivered` (refused, never reached) or
 * `timeout` (may still arrive) — and can hold one delivery until the test settles it.
 */
const testSender = (maxMs?: number) => {
  const delivered: string[] = []
  /** Every code it was given, delivered or not. */
  const attempted: string[] = []
  let gate: { arrive: () => void; outcome: Promise<Failure> } | undefined
  const sender = {
    ...(maxMs === undefined ? {} : { maxMs }),
    delivered,
    attempted,
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
      attempted.push(code)
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

  it('refuses a send from any network while a code is being sent to the address', async () => {
    const codeSender = testSender(5000)
    const t = await makeTarget({ codeSender })
    expect((await send(t, USER)).status).toBe(200)
    const held = codeSender.hold()
    const first = send(t, ATTACKER)
    await held.arrived
    const before = await stored(t)
    const refused = await send(t, USER)
    expect(refused.status).toBe(429)
    expect(refused.dto).toMatchObject({
      OpCode: '2008',
      Total: '0',
      ErrorText: 'A confirmation code is being sent to this address; try again in 15 seconds.',
    })
    // The sender's 5 seconds, and the margin for the store's writes around it.
    expect(refused.retryAfter).toBe('15')
    expect(await stored(t)).toEqual(before)
    held.settle('undelivered')
    expect((await first).status).toBe(502)
    // The withdrawn send is refunded exactly, and the user's code is pending again.
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 2 })
    expect((await confirm(t, USER, codeSender.delivered[0]!)).status).toBe(200)
  })

  it('keeps the code delivered before pending when concurrent sends are not delivered', async () => {
    // The first code is delivered; each later one is refused by the service, a little later.
    let calls = 0
    const delivered: string[] = []
    const codeSender = {
      send: async (_email: string, code: string) => {
        if (calls++ === 0) return void delivered.push(code)
        await new Promise((r) => setTimeout(r, 50))
        throw new CodeDeliveryError('the webhook answered 500', { undelivered: true })
      },
    }
    const t = await makeTarget({ codeSender })
    expect((await send(t, USER)).status).toBe(200)
    const results = await Promise.all([send(t, USER), send(t, ATTACKER)])
    const statuses = results.map((r) => r.status).sort()
    // One is sent while the other is refused, or, should they not overlap, both are sent.
    expect([
      [429, 502],
      [502, 502],
    ]).toContainEqual(statuses)
    for (const r of results.filter((r) => r.status === 429)) expect(r.dto.OpCode).toBe('2008')
    expect(await counts(t)).toMatchObject({ address: 1, networks: 1 })
    const confirmed = await confirm(t, USER, delivered[0]!)
    expect(confirmed.status).toBe(200)
    expect(confirmed.dto.OpCode).toBe('0')
  })

  it('refunds an undelivered send in the window it was counted in, also at its edge', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    await sendTimes(t, ATTACKER, PER_NETWORK - 1)
    t.clock.advance(WINDOW - 1)
    const held = codeSender.hold()
    const last = send(t, ATTACKER)
    await held.arrived
    // The windows end while the last send is in flight: no send may begin new ones before it
    // is settled.
    t.clock.advance(1)
    expect((await send(t, ATTACKER)).dto.OpCode).toBe('2008')
    expect(await counts(t)).toEqual({ address: 5, networks: 5, most: 5, rows: 1 })
    held.settle('undelivered')
    expect((await last).status).toBe(502)
    expect(await counts(t)).toEqual({ address: 4, networks: 4, most: 4, rows: 1 })
    expect((await send(t, ATTACKER)).status).toBe(200)
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 1 })
  })

  it('lets a send through once the one in flight is past its bound, and keeps that one counted', async () => {
    const codeSender = testSender(5000)
    const t = await makeTarget({ codeSender })
    const held = codeSender.hold()
    const first = send(t, ATTACKER)
    await held.arrived
    t.clock.advance(15_000 - 1)
    const refused = await send(t, USER)
    expect(refused.dto.OpCode).toBe('2008')
    expect(refused.retryAfter).toBe('1')
    t.clock.advance(1)
    expect((await send(t, USER)).status).toBe(200)
    held.settle('undelivered')
    expect((await first).status).toBe(502)
    // Settled after its bound, the first send may as well have arrived: it stays counted.
    expect(await counts(t)).toEqual({ address: 2, networks: 2, most: 1, rows: 2 })
    expect((await confirm(t, USER, codeSender.delivered[0]!)).status).toBe(200)
  })

  it.each([
    ['the overrun send is settled first', true],
    ['the later send is settled first', false],
  ])(
    'never makes pending again a code whose send overran its bound and was not delivered (%s)',
    async (_, overrunFirst) => {
      const codeSender = testSender(5000)
      const t = await makeTarget({ codeSender })
      const firstHeld = codeSender.hold()
      const first = send(t, ATTACKER)
      await firstHeld.arrived
      t.clock.advance(15_000)
      const secondHeld = codeSender.hold()
      const second = send(t, USER)
      await secondHeld.arrived
      const settle = async (held: typeof firstHeld, answer: Promise<{ status: number }>) => {
        held.settle('undelivered')
        expect((await answer).status).toBe(502)
      }
      if (overrunFirst) {
        await settle(firstHeld, first)
        await settle(secondHeld, second)
      } else {
        await settle(secondHeld, second)
        await settle(firstHeld, first)
      }
      // The overrun send stays counted; the later one is refunded.
      expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 2 })
      for (const code of codeSender.attempted)
        expect((await confirm(t, USER, code)).dto.OpCode).toBe('2004')
    },
  )

  it('refunds nothing from a window begun after the send was counted', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    const held = codeSender.hold()
    const first = send(t, ATTACKER)
    await held.arrived
    t.clock.advance(WINDOW)
    expect((await send(t, ATTACKER)).status).toBe(200)
    held.settle('undelivered')
    expect((await first).status).toBe(502)
    // Past its bound the first send held the address no more; the later send began new
    // windows for the address and the network, and it alone counts.
    expect(await counts(t)).toEqual({ address: 1, networks: 1, most: 1, rows: 1 })
    expect((await confirm(t, ATTACKER, codeSender.delivered[0]!)).status).toBe(200)
  })
})

describe('CognitoSendConfirmCodeRequest: sends the webhook refuses', () => {
  it('refuses a network its 21st send to an address in 15 minutes, refunded ones included, with 429 and Retry-After', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    codeSender.fail = 'undelivered'
    await sendTimes(t, ATTACKER, ISSUED_PER_NETWORK, 502)
    expect(await counts(t)).toEqual({ address: 0, networks: 0, most: 0, rows: 1 })
    t.clock.advance(5 * MINUTE)
    await expectNetworkRefusal(t, ATTACKER, 600)
    // The webhook was called for the issued sends alone.
    expect(codeSender.attempted).toHaveLength(ISSUED_PER_NETWORK)
    // The user's own network and other addresses are not refused; the caller is once its
    // window is over.
    codeSender.fail = undefined
    expect((await send(t, USER)).status).toBe(200)
    expect((await send(t, ATTACKER, 'other@example.com')).status).toBe(200)
    t.clock.advance(10 * MINUTE - 1000)
    expect((await send(t, ATTACKER)).retryAfter).toBe('1')
    t.clock.advance(1000)
    expect((await send(t, ATTACKER)).status).toBe(200)
  })

  it('starts the windows at a send that was refunded', async () => {
    const codeSender = testSender()
    const t = await makeTarget({ codeSender })
    codeSender.fail = 'undelivered'
    expect((await send(t, ATTACKER)).status).toBe(502)
    codeSender.fail = undefined
    t.clock.advance(10 * MINUTE)
    await sendTimes(t, ATTACKER, PER_NETWORK)
    const limited = await send(t, ATTACKER)
    expect(limited.status).toBe(429)
    expect(limited.retryAfter).toBe('300')
    t.clock.advance(5 * MINUTE)
    expect((await send(t, ATTACKER)).status).toBe(200)
  })
})
