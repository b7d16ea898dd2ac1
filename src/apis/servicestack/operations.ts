/** The operation this gateway serves, named for its request DTO as ServiceStack names it. */
export const OPERATION_NAME = 'CognitoSendConfirmCodeRequest'

/** What fails when the code sender does: the operation's 502 (OpenAPI). */
export const UNDELIVERED =
  'The confirmation code could not be delivered (OpCode 2007); retry shortly.'

/** The operation's route. */
export const OPERATION_PATH = `/${OPERATION_NAME}`

/**
 * The ServiceStack operations, for the URL rules only they follow: the predefined route
 * `/{format}/reply/{Operation}` and paths matched in any letter case.
 */
export const OPERATIONS: readonly string[] = [OPERATION_NAME]
