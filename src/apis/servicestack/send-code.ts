import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { newConfirmationCode } from '../../crypto/confirmation-code.ts'
import { clientKeyOf } from '../../helper/auth-failures.ts'
import { codeHasher } from '../../helper/code-hasher.ts'
import { CodeDeliveryError } from '../../app/code-delivery-error.ts'
import type { CognitoUser } from '../../model/cognito.ts'
import type { SendCount } from '../../store/cognito-users.ts'
import { OperationFailure } from './op-codes.ts'
import { newUserAttributes, POLICY, toCognitoUser } from './pool.ts'

/** Seconds until `count` allows another send, its window being over; 0 when it does now. */
const waitFor = (count: SendCount | undefined, max: number, now: number): number =>
  !count || count.sends < max
    ? 0
    : Math.max(0, Math.ceil((count.windowStart + POLICY.sendWindowMs - now) / 1000))

/**
 * The refusal, saying which budget is spent, and a `Retry-After` when both allow a send again.
 * Read after the refusal, which changed nothing: the counts as they refused it.
 */
const tooManySends = (
  counts: { address: SendCount | undefined; client: SendCount | undefined },
  now: number,
): OperationFailure => {
  const address = waitFor(counts.address, POLICY.maxSendsPerAddress, now)
  const client = waitFor(counts.client, POLICY.maxSendsPerNetwork, now)
  // Both 0: a window ended or a send was withdrawn since; the client may try again at once.
  const seconds = Math.max(1, address, client)
  const from = address > 0 ? '' : ' from your network'
  const unit = seconds === 1 ? 'second' : 'seconds'
  return new OperationFailure(
    'tooManySends',
    `Too many confirmation codes were sent to this address${from}; try again in ${seconds} ${unit}.`,
    { 'Retry-After': String(seconds) },
  )
}

/**
 * Sends a fresh confirmation code to `email` (lowercased), creating its user (`UNCONFIRMED`) if
 * the address is new. Only the code's keyed hash is stored, before the code leaves through the
 * sender; the new code replaces any pending one. Refused, with nothing changed, beyond the
 * send rates of `POLICY` (per address and client network, and per address); a sender that
 * fails is a 502 failure (`deliveryFailed`). A code it certainly did not deliver is withdrawn:
 * the one pending before is pending again, and the send is not counted.
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
  const issued = await users.issueCode({
    newUserId: before?.user.id ?? deps.newId(),
    email,
    attributes: newUserAttributes(email),
    hash,
    now,
    expiresAt: now + POLICY.codeTtlMs,
    sendId,
    clientKey,
    maxSends: POLICY.maxSendsPerAddress,
    maxClientSends: POLICY.maxSendsPerNetwork,
    windowMs: POLICY.sendWindowMs,
  })
  if (!issued) throw tooManySends(await users.sendCounts(email, clientKey), now)
  // Read back: a concurrent first send for the same address may have created the user.
  const after = await users.find(email)
  if (!after) throw new Error('the user issued a code is missing')
  try {
    await deps.codeSender.send(email, code)
  } catch (error) {
    // Certainly undelivered, it must cost nothing: the send counts against neither the address
    // nor the network, so a retry after an outage is not refused as one send too many, and
    // the code it had is pending again. A code that may still arrive (a timeout) stays pending
    // and counted.
    if (error instanceof CodeDeliveryError && error.undelivered)
      await users.withdrawSend({ userId: after.user.id, sendId, clientKey, now })
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
  return toCognitoUser(after.user)
}
