export { cognitoSendConfirmCodeByQuery } from './send-confirm-code-by-query.ts'
export { cognitoSendConfirmCode } from './send-confirm-code.ts'
