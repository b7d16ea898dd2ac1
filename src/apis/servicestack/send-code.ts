import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { newConfirmationCode } from '../../crypto/confirmation-code.ts'
import { codeHasher } from '../../helper/code-hasher.ts'
import { CodeDeliveryError } from '../../app/code-delivery-error.ts'
import type { CognitoUser } from '../../model/cognito.ts'
import type { CodeState } from '../../store/cognito-users.ts'
import { OperationFailure } from './op-codes.ts'
import { newUserAttributes, POLICY, toCognitoUser } from './pool.ts'

const tooManySends = (code: CodeState | undefined, now: number): OperationFailure => {
  const windowEnds = (code?.windowStart ?? now) + POLICY.sendWindowMs
  const seconds = Math.max(1, Math.ceil((windowEnds - now) / 1000))
  return new OperationFailure(
    'tooManySends',
    `Too many confirmation codes were sent to this address; try again in ${seconds} seconds.`,
    { 'Retry-After': String(seconds) },
  )
}

/**
 * Sends a fresh confirmation code to `email` (lowercased), creating its user (`UNCONFIRMED`) if
 * the address is new. Only the code's keyed hash is stored, before the code leaves through the
 * sender; the new code replaces any pending one. Refused, with nothing changed, beyond the
 * send rate of `POLICY`; a sender that fails is a 502 failure (`deliveryFailed`). A code it
 * certainly did not deliver is withdrawn: the one pending before is pending again, and the send
 * is not counted.
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
  const hash = await (await codeHasher(c)).hash(email, code)
  const issued = await users.issueCode({
    newUserId: before?.user.id ?? deps.newId(),
    email,
    attributes: newUserAttributes(email),
    hash,
    now,
    expiresAt: now + POLICY.codeTtlMs,
    maxSends: POLICY.maxSends,
    windowMs: POLICY.sendWindowMs,
  })
  if (!issued) throw tooManySends(before?.code, now)
  // Read back: a concurrent first send for the same address may have created the user.
  const after = await users.find(email)
  if (!after) throw new Error('the user issued a code is missing')
  try {
    await deps.codeSender.send(email, code)
  } catch (error) {
    // Certainly undelivered, it must cost the address nothing: the code it had is pending
    // again, and the send is not counted, so a retry after an outage is not refused as one
    // send too many. A code that may still arrive (a timeout) stays pending and counted.
    if (error instanceof CodeDeliveryError && error.undelivered)
      await users.withdrawCode(after.user.id, hash)
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
