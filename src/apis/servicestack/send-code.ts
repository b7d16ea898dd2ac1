import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { newConfirmationCode } from '../../crypto/confirmation-code.ts'
import { clientKeyOf } from '../../helper/auth-failures.ts'
import { codeHasher } from '../../helper/code-hasher.ts'
import { outliveClient } from '../../helper/outlive-client.ts'
import { CodeDeliveryError } from '../../app/code-delivery-error.ts'
import type { CognitoUser } from '../../model/cognito.ts'
import type { CognitoUsers, IssuedSend, SendCount, SendState } from '../../store/cognito-users.ts'
import { OperationFailure } from './op-codes.ts'
import { newUserAttributes, POLICY, toCognitoUser } from './pool.ts'

/** Seconds until `count` allows another send, its window being over; 0 when it does now. */
const waitFor = (count: SendCount | undefined, max: number, now: number): number =>
  !count || count.sends < max
    ? 0
    : Math.max(0, Math.ceil((count.windowStart + POLICY.sendWindowMs - now) / 1000))

const inSeconds = (seconds: number) => `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`

/**
 * The refusal: which budget is spent (a network's is, too, once the network was issued its
 * most sends, withdrawn ones included), or that a code is being sent to the address, and a
 * `Retry-After` when a send may be issued again. Read after the refusal, which changed
 * nothing: the state as it refused it, or a little later.
 */
const refusal = (state: SendState, now: number): OperationFailure => {
  const address = waitFor(state.address, POLICY.maxSendsPerAddress, now)
  // The network's budget, or its sends issued in the window, withdrawn ones included.
  const issued = state.client && { ...state.client, sends: state.client.issued }
  const client = Math.max(
    waitFor(state.client, POLICY.maxSendsPerNetwork, now),
    waitFor(issued, POLICY.maxIssuedPerNetwork, now),
  )
  // The in-flight send ends by then at the latest; most end far sooner.
  const sending = Math.max(0, Math.ceil(((state.sendingUntil ?? now) - now) / 1000))
  if (address > 0 || client > 0) {
    const seconds = Math.max(address, client, sending)
    const to = `this address${address > 0 ? '' : ' from your network'}`
    return new OperationFailure(
      'tooManySends',
      `Too many confirmation codes were sent to ${to}; try again in ${inSeconds(seconds)}.`,
      { 'Retry-After': String(seconds) },
    )
  }
  // No budget is spent: another send to the address is in flight. If none is any more (it
  // ended since the refusal, or a window did, or a send was withdrawn), try again at once.
  const seconds = Math.max(1, sending)
  return new OperationFailure(
    'sendInProgress',
    `A confirmation code is being sent to this address; try again in ${inSeconds(seconds)}.`,
    { 'Retry-After': String(seconds) },
  )
}

/**
 * Runs a write that ends a send (`withdrawSend`, `finishSend`) once its delivery is over. A
 * store that fails now is logged as `failure`, not thrown: the client's answer stays the
 * send's own (a code that left must not turn into a failure the client would retry; one that
 * did not stays a 502 `deliveryFailed`), and the send's hold on the address ends at its bound
 * anyway (a send not withdrawn then stays counted).
 */
const endSend = async (c: Context<AppEnv>, write: () => Promise<void>, failure: string) => {
  try {
    await write()
  } catch (error) {
    c.get('deps').logger.warn(failure, {
      traceId: c.get('traceId'),
      cause: (error as Error).name,
    })
  }
}

/** Takes back a send whose code surely did not leave (`endSend`). */
const withdraw = (c: Context<AppEnv>, send: IssuedSend) =>
  endSend(
    c,
    () => c.get('deps').store.cognitoUsers.withdrawSend(send),
    'confirmation code send not withdrawn',
  )

/** Ends a send whose delivery is over: the code has left, or may have (`endSend`). */
const finish = (c: Context<AppEnv>, send: IssuedSend) =>
  endSend(
    c,
    () => c.get('deps').store.cognitoUsers.finishSend(send),
    'confirmation code send not ended',
  )

/**
 * Sends a fresh confirmation code to `email` (lowercased), creating its user (`UNCONFIRMED`) if
 * the address is new. Only the code's keyed hash is stored, before the code leaves through the
 * sender; the new code replaces any pending one. Refused, with nothing changed, beyond the
 * send rates of `POLICY` (per address and client network, and per address), and while another
 * send's delivery to the address is in flight; a sender that fails is a 502 failure
 * (`deliveryFailed`). A code it certainly did not deliver is withdrawn: the one pending before
 * is pending again, and the send counts against neither budget, only among the sends its
 * network may be issued.
 *
 * @example
 * const user = await sendCode(c, 'a@example.com') // { UserID, Status: 'UNCONFIRMED', ... }
 */
export const sendCode = async (c: Context<AppEnv>, email: string): Promise<CognitoUser> => {
  const deps = c.get('deps')
  const users = deps.store.cognitoUsers
  const now = deps.clock().getTime()
  const before = await users.find(email)
  const code = newConfirmationCode()
  const hasher = await codeHasher(c)
  const hash = await hasher.hash(email, code)
  const clientKey = await hasher.client(clientKeyOf(c))
  const sendId = crypto.randomUUID()
  const deliveryMs = deps.codeSender.maxMs ?? POLICY.defaultDeliveryMs
  const newUserId = before?.user.id ?? deps.newId()
  const issued = await users.issueCode({
    newUserId,
    email,
    attributes: newUserAttributes(email),
    hash,
    now,
    expiresAt: now + POLICY.codeTtlMs,
    sendId,
    sendingUntil: now + deliveryMs + POLICY.sendingMarginMs,
    clientKey,
    maxSends: POLICY.maxSendsPerAddress,
    maxClientSends: POLICY.maxSendsPerNetwork,
    maxClientIssued: POLICY.maxIssuedPerNetwork,
    windowMs: POLICY.sendWindowMs,
  })
  if (!issued) throw refusal(await users.sendState(email, clientKey), now)
  // The delivery and the write that ends the send run to their end even if the client goes
  // away: a send cut between them would hold the address until its bound, and one the sender
  // refused would stay counted with the user's earlier code withdrawn.
  return outliveClient(c, deliver(c, email, code, { userId: newUserId, sendId, clientKey }, before))
}

/**
 * Delivers an issued send's code and ends the send (`sendCode`): finished when the code left
 * or may have, withdrawn when it surely did not. Returns the user it was sent to.
 */
const deliver = async (
  c: Context<AppEnv>,
  email: string,
  code: string,
  { userId: newUserId, sendId, clientKey }: IssuedSend,
  before: Awaited<ReturnType<CognitoUsers['find']>>,
): Promise<CognitoUser> => {
  const deps = c.get('deps')
  const users = deps.store.cognitoUsers
  // From here until the send ends (finishSend, withdrawSend) no other send to the address is
  // issued: the code displaced is the one the user had, and the windows stay the ones this
  // send was counted in, so a withdrawal restores and refunds exactly what it changed.
  // A new address is read back: a concurrent first send may have created its user first.
  let user = before?.user
  try {
    user ??= (await users.find(email))?.user
    if (!user) throw new Error('the user issued a code is missing')
  } catch (error) {
    // Nothing was sent: the send must not hold the address or count. The user is the one this
    // send created, or (created concurrently) one the withdrawal does not match.
    await withdraw(c, { userId: newUserId, sendId, clientKey })
    throw error
  }
  const issuedSend: IssuedSend = { userId: user.id, sendId, clientKey }
  try {
    await deps.codeSender.send(email, code)
  } catch (error) {
    // Certainly undelivered, it is refunded: the send counts against neither the address's nor
    // the network's budget, so a retry after an outage is not refused as one send too many,
    // and the code it had is pending again. Only the network's count of sends issued keeps it,
    // so refused sends cannot run without end. A code that may still arrive (a timeout) stays
    // pending and counted.
    if (error instanceof CodeDeliveryError && error.undelivered) await withdraw(c, issuedSend)
    else await finish(c, issuedSend)
    // The sender's own words (a status, a timeout), never the code; the client learns only
    // that delivery failed.
    deps.logger.warn('confirmation code not delivered', {
      traceId: c.get('traceId'),
      cause: error instanceof CodeDeliveryError ? error.message : (error as Error).name,
    })
    throw new OperationFailure(
      'deliveryFailed',
      'The confirmation code could not be delivered; try again shortly.',
    )
  }
  await finish(c, issuedSend)
  return toCognitoUser(user)
}
