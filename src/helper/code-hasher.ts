import { codeHasher as createCodeHasher } from '../crypto/confirmation-code.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { perApp } from './per-app.ts'

/**
 * The confirmation-code hasher keyed by `TOKEN_SECRET`; built once per app.
 *
 * @example
 * const hash = await (await codeHasher(c)).hash('a@example.com', '042917')
 */
export const codeHasher = perApp((c) => createCodeHasher(requireSecrets(c).tokenSecret))
