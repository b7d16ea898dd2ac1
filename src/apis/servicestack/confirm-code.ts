import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { timingSafeEqualText } from '../../crypto/constant-time.ts'
import { codeHasher } from '../../helper/code-hasher.ts'
import type { CognitoUser } from '../../model/cognito.ts'
import type { CodeState, CognitoUserRecord } from '../../store/cognito-users.ts'
import { OperationFailure } from './op-codes.ts'
import { POLICY, toCognitoUser } from './pool.ts'
import { issueSession } from './session.ts'

type Pending = CodeState & { hash: string; expiresAt: number }

const REQUEST_NEW = 'send the EmailAddress alone to get a new code'

/** Refuses, without counting an attempt, a code that cannot be right whatever was typed. */
function assertPending(code: CodeState | undefined, now: number): asserts code is Pending {
  if (!code?.hash || code.expiresAt === null) {
    throw new OperationFailure(
      'noPendingCode',
      `No confirmation code is pending for this address (none was delivered, or it was used or replaced); ${REQUEST_NEW}.`,
    )
  }
  if (code.expiresAt <= now)
    throw new OperationFailure('codeExpired', `The confirmation code has expired; ${REQUEST_NEW}.`)
  if (code.attempts >= POLICY.maxAttempts) {
    throw new OperationFailure(
      'tooManyAttempts',
      `All ${POLICY.maxAttempts} attempts at this confirmation code were used; ${REQUEST_NEW}.`,
    )
  }
}

const wrongCode = (attempts: number): OperationFailure => {
  const left = Math.max(0, POLICY.maxAttempts - attempts)
  return new OperationFailure(
    'wrongCode',
    left > 0
      ? `The confirmation code is wrong; ${left} attempt${left === 1 ? '' : 's'} left.`
      : `The confirmation code is wrong and no attempts are left; ${REQUEST_NEW}.`,
  )
}

/**
 * Confirms `email` with `code`. The attempt is counted first (one conditional UPDATE), then the
 * code's hash is compared in constant time, then one conditional transaction uses the code and
 * confirms the user — its changed-row count picks the single winner among concurrent confirms.
 * Returns the confirmed user with a new session (`Data`) and the user as it was (`Data2`).
 *
 * @example
 * const { Data, Data2 } = await confirmCode(c, 'a@example.com', '042917')
 */
export const confirmCode = async (
  c: Context<AppEnv>,
  email: string,
  code: string,
): Promise<{ Data: CognitoUser; Data2: CognitoUser }> => {
  const deps = c.get('deps')
  const users = deps.store.cognitoUsers
  const now = deps.clock()
  const at = now.getTime()
  const found = await users.find(email)
  if (!found) {
    throw new OperationFailure(
      'unknownAddress',
      `There is no user with this address; ${REQUEST_NEW}.`,
    )
  }
  const pending = found.code
  assertPending(pending, at)
  if (!(await users.claimAttempt(found.user.id, pending.hash, at, POLICY.maxAttempts))) {
    // Something changed since the read (a concurrent attempt, confirm or send): say what.
    assertPending((await users.find(email))?.code, at)
    throw new OperationFailure(
      'noPendingCode',
      `The confirmation code was replaced; ${REQUEST_NEW}.`,
    )
  }
  const presented = await (await codeHasher(c)).hash(email, code)
  if (!timingSafeEqualText(presented, pending.hash)) {
    // Concurrent attempts may have been counted since the read: the count as it stands now.
    const current = (await users.find(email))?.code
    const counted = current?.hash === pending.hash ? current.attempts : 0
    throw wrongCode(Math.max(pending.attempts + 1, counted))
  }

  const confirmed: CognitoUserRecord = {
    ...found.user,
    status: 'CONFIRMED',
    attributes: { ...found.user.attributes, email_verified: 'true' },
  }
  if (!(await users.confirm(found.user.id, pending.hash, at, confirmed.attributes))) {
    // A concurrent confirm used it, or a concurrent send replaced it: say which.
    const replaced = (await users.find(email))?.code?.hash
    throw new OperationFailure(
      'noPendingCode',
      replaced && replaced !== pending.hash
        ? `The confirmation code was replaced; ${REQUEST_NEW}.`
        : `The confirmation code has already been used; ${REQUEST_NEW}.`,
    )
  }
  return {
    Data: { ...toCognitoUser(confirmed), SessionTokens: await issueSession(c, confirmed, now) },
    Data2: toCognitoUser(found.user),
  }
}
