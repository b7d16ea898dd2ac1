import type { Context } from 'hono'
import type { AppDeps, AppEnv } from '../app/types.ts'
import { type TokenSigner, tokenSigner } from '../crypto/tokens.ts'
import { requireSecrets } from '../middleware/require-secrets.ts'

const signers = new WeakMap<AppDeps, Promise<TokenSigner>>()

/**
 * The HS256 signer keyed by `TOKEN_SECRET`; built once per app.
 *
 * @example
 * const token = await (await signer(c)).sign({ sub: id, kind: 'contact' }, c.var.deps.clock(), 86400)
 */
export const signer = (c: Context<AppEnv>): Promise<TokenSigner> => {
  const deps = c.var.deps
  let s = signers.get(deps)
  if (!s) {
    s = tokenSigner(requireSecrets(c).tokenSecret)
    signers.set(deps, s)
  }
  return s
}
