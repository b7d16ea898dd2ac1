import type { Context } from 'hono'
import type { AppDeps, AppEnv } from '../app/types.ts'
import { type AesGcm, aesGcm } from '../crypto/aes-gcm.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'

const vaults = new WeakMap<AppDeps, Promise<AesGcm>>()

/**
 * The AES-GCM box for secrets at rest, keyed by `ENCRYPTION_KEY`; built once per app.
 *
 * @example
 * const sealed = await (await vault(c)).seal(token, `alexa_users/${id}/access_token`)
 */
export const vault = (c: Context<AppEnv>): Promise<AesGcm> => {
  const deps = c.var.deps
  let box = vaults.get(deps)
  if (!box) {
    box = aesGcm(requireSecrets(c).encryptionKey)
    vaults.set(deps, box)
  }
  return box
}
