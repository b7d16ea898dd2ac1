export { alexaUsers, type AlexaUsers, type AmazonUserRecord } from './alexa-users.ts'
export {
  cognitoUsers,
  type CodeState,
  type CognitoUserRecord,
  type CognitoUsers,
} from './cognito-users.ts'
export { contacts, type Contacts } from './contacts.ts'
export { applyMigrations, LATEST_MIGRATION, type Migration } from './migrate.ts'
export { type SqlDatabase, StoreUnavailableError } from './sql.ts'
export { createStore, type Store } from './store.ts'
