import type { Endpoint } from '../../app/types.ts'
import { readQuery } from '../../body/read-query.ts'
import {
  CognitoSendConfirmCodeRequest,
  CognitoSendConfirmCodeResponse,
} from '../../model/cognito.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { OPERATION_PATH, reply } from './reply.ts'

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
  handler: (c) => {
    // Hono answers HEAD with the GET handler; a safe method must not send or use a code.
    if (c.req.method === 'HEAD') {
      throw new ProblemError('methodNotAllowed', 'HEAD would run the operation; use GET or POST.', {
        headers: { Allow: 'GET, POST' },
      })
    }
    return reply(c, () => readQuery(c, CognitoSendConfirmCodeRequest))
  },
}
