export { AmazonUser, AmazonUsers, CreateAmazonUser } from './amazon-user.ts'
export {
  CognitoDevice,
  CognitoSendConfirmCodeRequest,
  CognitoSendConfirmCodeResponse,
  CognitoUser,
  CognitoUserPool,
  CognitoUserSession,
} from './cognito.ts'
export { collectionOf, PageQuery } from './collection.ts'
export { AuthenticatedContact, AuthenticateUser, Contact, Contacts } from './contact.ts'
export { GatewayIndex, Health, RouteInfo } from './gateway.ts'
export { named, writeOnly } from './meta.ts'
export { Problem, ProblemType } from './problem.ts'
export { models } from './models.ts'
