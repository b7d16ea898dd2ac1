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
 * `GET /CognitoSendConfirmCodeRequest?EmailAddress=…&ConfirmationCode=…`: ServiceStack serves
 * every operation on GET too, binding the request DTO from the query string.
 */
export const cognitoSendConfirmCodeByQuery: Endpoint = {
  method: 'GET',
  path: OPERATION_PATH,
  name: 'cognitoSendConfirmCodeByQuery',
  title: 'The same operation with the request DTO in the query string',
  request: CognitoSendConfirmCodeRequest,
  response: CognitoSendConfirmCodeResponse,
  // HEAD is a safe method: it must not send or use a code.
  refuseHead: true,
  // It acts without credentials: a browser's request from another site's page is refused
  // before anything is read or done, in the DTO (403, OpCode 1011).
  middleware: [refuseCrossSite(refuseInDto)],
  problems: ['crossSiteRequest'],
  // An unmigrated database is a failure in the DTO too (`reply`), as its others are.
  store: 'inHandler',
  upstreamFailure: UNDELIVERED,
  handler: (c) => reply(c, () => readRequestDto(c)),
}
