import { aesGcm } from '../crypto/aes-gcm.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'
import { perApp } from './per-app.ts'

/**
 * The AES-GCM box for secrets at rest, keyed by `ENCRYPTION_KEY`; built once per app.
 *
 * @example
 * const sealed = await (await vault(c)).seal(token, `alexa_users/${id}/access_token`)
 */
export const vault = perApp((c) => aesGcm(requireSecrets(c).encryptionKey))
