import type { Endpoint } from '../../app/types.ts'
import {
  CognitoSendConfirmCodeRequest,
  CognitoSendConfirmCodeResponse,
} from '../../model/cognito.ts'
import { OPERATION_PATH, UNDELIVERED } from './operations.ts'
import { readRequestDto } from './read-request.ts'
import { reply } from './reply.ts'

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
  upstreamFailure: UNDELIVERED,
  handler: (c) => reply(c, () => readRequestDto(c)),
}
