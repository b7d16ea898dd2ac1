import { tokenSigner } from '../crypto/tokens.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { perApp } from './per-app.ts'

/**
 * The HS256 signer keyed by `TOKEN_SECRET`; built once per app.
 *
 * @example
 * const token = await (await signer(c)).sign({ sub: id, kind: 'contact' }, c.get('deps').clock(), 86400)
 */
export const signer = perApp((c) => tokenSigner(requireSecrets(c).tokenSecret))
