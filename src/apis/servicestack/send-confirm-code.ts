import type { Endpoint } from '../../app/types.ts'
import {
  CognitoSendConfirmCodeRequest,
  CognitoSendConfirmCodeResponse,
} from '../../model/cognito.ts'
import { refuseCrossSite } from '../../middleware/cross-site.ts'
import { OPERATION_PATH, UNDELIVERED } from './operations.ts'
import { readRequestDto } from './read-request.ts'
import { refuseInDto, reply } from './reply.ts'

/**
 * `POST /CognitoSendConfirmCodeRequest` (also `.csv`/`.xml`…, `?format=` and
 * `/{format}/reply/CognitoSendConfirmCodeRequest`): the request DTO in any body format, and
 * in the query string, as ServiceStack binds it on every method (`readRequestDto`).
 */
export const cognitoSendConfirmCode: Endpoint = {
  method: 'POST',
  path: OPERATION_PATH,
  name: 'cognitoSendConfirmCode',
  title: 'Send a confirmation code to an address, or confirm the address with its code',
  request: CognitoSendConfirmCodeRequest,
  response: CognitoSendConfirmCodeResponse,
  query: CognitoSendConfirmCodeRequest,
  limitsBody: true,
  // It acts without credentials: a browser's request from another site's page is refused
  // before anything is read or done, in the DTO (403, OpCode 1011).
  middleware: [refuseCrossSite(refuseInDto)],
  problems: ['crossSiteRequest'],
  // An unmigrated database is a failure in the DTO too (`reply`), as its others are.
  store: 'inHandler',
  upstreamFailure: UNDELIVERED,
  // An empty body is the DTO with every member absent, as ServiceStack binds it; the reply
  // then says that EmailAddress is required.
  emptyBody: true,
  handler: (c) => reply(c, () => readRequestDto(c)),
}
