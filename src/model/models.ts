import type * as v from 'valibot'
import { AmazonUser, CreateAmazonUser } from './amazon-user.ts'
import { AuthenticatedContact, AuthenticateUser, Contact } from './contact.ts'
import { CognitoSendConfirmCodeRequest, CognitoSendConfirmCodeResponse } from './cognito.ts'
import { GatewayIndex, Health } from './gateway.ts'
import { Problem, ProblemType } from './problem.ts'

/**
 * Every resource and request model the gateway serves or reads, by type name: what the
 * round-trip properties (`test/model-round-trip.test.ts`: written in JSON, XML or CSV, read
 * back the same) and the copy-free writers' test (`src/formats/projected.test.ts`) iterate
 * over, and cover no model missing here. OpenAPI and the metadata pages do not read it: they
 * describe the schemas the endpoints name.
 */
export const models: Record<string, v.GenericSchema> = {
  AmazonUser,
  CreateAmazonUser,
  AuthenticateUser,
  AuthenticatedContact,
  Contact,
  CognitoSendConfirmCodeRequest,
  CognitoSendConfirmCodeResponse,
  Problem,
  ProblemType,
  Health,
  GatewayIndex,
}
