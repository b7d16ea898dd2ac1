import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { catalogue } from '../../problems/catalogue.ts'
import { ProblemError } from '../../problems/problem-error.ts'

/**
 * The operation's own outcomes. ServiceStack operations answer failures in their response DTO
 * (`OpCode` ≠ 0, `ErrorText`) with the matching HTTP status, never as a problem document.
 *
 * | OpCode | HTTP | when                                                                       |
 * | ------ | ---- | -------------------------------------------------------------------------- |
 * | 0      | 200  | the code was sent, or the address was confirmed                            |
 * | 1000   | 400  | EmailAddress missing or not an address, ConfirmationCode not 6 digits      |
 * | 1001   | 400  | unreadable body, e.g. JSON sent as `text/csv`                              |
 * | 1002   | 400  | malformed query string, or a member the body gives otherwise               |
 * | 1011   | 403  | a browser's request from another site's page, which CORS_ORIGINS does not  |
 * |        |      | allow (`refuseCrossSite`): refused before anything is read or done         |
 * | 1050   | 413  | a body over the size limit (1 MiB)                                         |
 * | 1060   | 415  | a body Content-Type or content coding the gateway cannot read              |
 * | 1090   | 503  | storage unavailable, or the database lacks the latest migration            |
 * | 1099   | 500  | an unexpected error (logged with the trace id, which ErrorText names)      |
 * | 2001   | 400  | wrong code; the attempt is counted                                         |
 * | 2002   | 404  | no user has this address                                                   |
 * | 2003   | 410  | the code expired: request a new one                                        |
 * | 2004   | 410  | no code pending: already used (also by a concurrent confirm) or replaced   |
 * | 2005   | 429  | every attempt at this code was used: request a new one                     |
 * | 2006   | 429  | too many codes (or sends, refunded too) from the caller's network, or all  |
 * | 2007   | 502  | the code could not be delivered (the sender failed); try again shortly     |
 * | 2008   | 429  | a code is being sent to this address: wait for it, or retry shortly        |
 *
 * 1xxx are the gateway's problem codes (`src/problems/catalogue.ts`) for the same failures on
 * other routes; 2xxx belong to this operation. Everything about the request the operation
 * reads (its query, its body: size, type, syntax, values, a browser's cross-site origin) is a
 * DTO, and so are a 503 and a 500. What is refused before the operation is known or its
 * format chosen — another method (405), an unknown or conflicting format (406), a header over
 * its limit (431) — stays a problem document, as on every route.
 */
export const opCodes = {
  wrongCode: { code: 2001, status: 400 },
  unknownAddress: { code: 2002, status: 404 },
  codeExpired: { code: 2003, status: 410 },
  noPendingCode: { code: 2004, status: 410 },
  tooManyAttempts: { code: 2005, status: 429 },
  tooManySends: { code: 2006, status: 429 },
  deliveryFailed: { code: 2007, status: 502 },
  sendInProgress: { code: 2008, status: 429 },
} as const satisfies Record<string, { code: number; status: ContentfulStatusCode }>

export type OpCodeKind = keyof typeof opCodes

/**
 * A failure of the operation itself; the reply turns it into `OpCode`, `ErrorText` and status.
 *
 * @example
 * throw new OperationFailure('codeExpired', 'The confirmation code has expired.')
 */
export class OperationFailure extends Error {
  override name = 'OperationFailure'
  readonly kind: OpCodeKind
  readonly headers: Record<string, string>

  constructor(kind: OpCodeKind, errorText: string, headers: Record<string, string> = {}) {
    super(errorText)
    this.kind = kind
    this.headers = headers
  }
}

/** What a failed call puts in the DTO and the response head. */
export interface FailureReply {
  OpCode: number
  ErrorText: string
  status: ContentfulStatusCode
  headers: Record<string, string>
}

/** `/EmailAddress` → `EmailAddress`; the whole body when the pointer is empty. */
const memberOf = (pointer: string): string =>
  pointer === '' ? 'The request' : pointer.slice(1).replaceAll('/', '.').replaceAll('~1', '/')

/**
 * The DTO side of a failure: operation failures and gateway problems (unreadable bodies,
 * validation) alike. Anything else is undefined: `reply` makes it the 503 problem (an
 * unavailable store) or the logged 500 problem first.
 *
 * @example
 * failureReply(new OperationFailure('wrongCode', 'The code is wrong.')) // { OpCode: 2001, status: 400, ... }
 */
export const failureReply = (error: unknown): FailureReply | undefined => {
  if (error instanceof OperationFailure) {
    const { code, status } = opCodes[error.kind]
    return { OpCode: code, ErrorText: error.message, status, headers: error.headers }
  }
  if (!(error instanceof ProblemError)) return undefined
  const { code, status } = catalogue[error.kind]
  const errors = error.details.errors ?? []
  // Validation names each member; other problems (a malformed body) say it in their detail.
  const ErrorText =
    error.kind === 'validation' && errors.length > 0
      ? errors.map((e) => `${memberOf(e.pointer)} ${e.message}`).join('; ')
      : error.detail
  return { OpCode: code, ErrorText, status: status as ContentfulStatusCode, headers: error.headers }
}
