import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../../app/types.ts'
import { whenMigrated } from '../../helper/migration-state.ts'
import { respond } from '../../helper/respond.ts'
import {
  type CognitoSendConfirmCodeRequest,
  CognitoSendConfirmCodeResponse,
  type CognitoUser,
} from '../../model/cognito.ts'
import { internalError, storeUnavailable } from '../../problems/on-error.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { StoreUnavailableError } from '../../store/index.ts'
import { confirmCode } from './confirm-code.ts'
import { failureReply } from './op-codes.ts'
import { sendCode } from './send-code.ts'
import { timeSpan } from './time-span.ts'

interface Users {
  Data?: CognitoUser
  Data2?: CognitoUser
}

const required = () =>
  new ProblemError('validation', 'EmailAddress is required.', {
    details: { errors: [{ pointer: '/EmailAddress', message: 'is required' }] },
  })

/** The address alone sends a code; with a code, confirms it. */
const perform = async (
  c: Context<AppEnv>,
  input: CognitoSendConfirmCodeRequest,
): Promise<Users> => {
  if (!input.EmailAddress) throw required()
  const email = input.EmailAddress.toLowerCase()
  return input.ConfirmationCode === undefined
    ? { Data: await sendCode(c, email) }
    : confirmCode(c, email, input.ConfirmationCode)
}

/**
 * Answers what `run` gives — the users, or a failure it throws — as the response DTO in the
 * negotiated format (see `reply`).
 */
const answer = async (c: Context<AppEnv>, run: () => Promise<Users>): Promise<Response> => {
  const { clock, timer = () => performance.now() } = c.get('deps')
  const started = timer()
  const RequestTime = clock().toISOString()
  let users: Users = {}
  let outcome: { OpCode: number; ErrorText?: string } = { OpCode: 0 }
  // A failure's own; the success is the endpoint's (`respond`).
  let status: ContentfulStatusCode | undefined
  let headers: Record<string, string> = {}
  try {
    users = await run()
  } catch (error) {
    // Storage that fails is a 503 here as on every route, and anything unexpected a logged
    // 500, in the DTO like the rest (ServiceStack answers every failure in its response DTO).
    const failure =
      failureReply(error) ??
      failureReply(
        error instanceof StoreUnavailableError
          ? storeUnavailable(c, error)
          : internalError(c, error),
      )!
    ;({ status, headers } = failure)
    outcome = { OpCode: failure.OpCode, ErrorText: failure.ErrorText }
  }
  const body: CognitoSendConfirmCodeResponse = {
    Total: Number(users.Data !== undefined) + Number(users.Data2 !== undefined),
    ...outcome,
    RequestTime,
    ResponseTime: clock().toISOString(),
    TotalExecutionTime: timeSpan(timer() - started),
    CachedResponse: false,
    ...users,
  }
  return respond(c, CognitoSendConfirmCodeResponse, body, {
    ...(status === undefined ? {} : { status }),
    links: { self: { href: c.get('path') } },
    headers: { ...headers, 'Cache-Control': 'no-store' },
  })
}

/**
 * Runs the operation on the request DTO that `read` produces and answers the response DTO,
 * success or failure, in the negotiated format. Failures of the client — an unreadable body,
 * invalid values, a wrong code — are the DTO with `OpCode` and `ErrorText` (see `opCodes`),
 * and so is a 503 (1090): a database without the latest migration, found before anything is
 * read, or storage that is unavailable; and so is anything unexpected: a 500 (1099), its cause
 * logged under the trace id and never shown.
 *
 * BaseResponse: `RequestTime`/`ResponseTime` are the injected clock's ISO 8601 times when the
 * handler started and finished, `TotalExecutionTime` the duration measured between them with
 * `performance.now()` (or the injected `timer`) as .NET TimeSpan text, `Total` the number of
 * users in Data/Data2, and `CachedResponse` false: nothing is served from a cache (and
 * `Cache-Control: no-store` keeps codes' outcomes and session tokens out of caches).
 *
 * @example
 * handler: (c) => reply(c, () => readRequestDto(c))
 */
export const reply = (
  c: Context<AppEnv>,
  read: () => CognitoSendConfirmCodeRequest | Promise<CognitoSendConfirmCodeRequest>,
): Promise<Response> =>
  answer(c, async () => {
    // Its routes are `store: 'inHandler'`: an unmigrated database is a failure in the DTO too.
    await whenMigrated(c)
    return perform(c, await read())
  })

/**
 * Answers a request refused before the operation runs (a browser's cross-site request,
 * `refuseCrossSite`) as the operation answers its own failures: the response DTO with the
 * problem's code as `OpCode`, its detail as `ErrorText` and its status. Nothing is read or
 * run, the database not even asked whether it is migrated.
 *
 * @example
 * middleware: [refuseCrossSite(refuseInDto)]
 */
export const refuseInDto = (c: Context<AppEnv>, problem: ProblemError): Promise<Response> =>
  answer(c, () => Promise.reject(problem))
