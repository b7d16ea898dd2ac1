import type { Context } from 'hono'
import type { AppDeps, AppEnv } from '../app/types.ts'

/**
 * Memoises something built from an app's dependencies (a key imported from a secret, say):
 * built on first use, then shared by every request of that app.
 *
 * @example
 * export const vault = perApp((c) => aesGcm(requireSecrets(c).encryptionKey))
 */
export const perApp = <T>(build: (c: Context<AppEnv>) => T) => {
  const built = new WeakMap<AppDeps, T>()
  return (c: Context<AppEnv>): T => {
    const deps = c.get('deps')
    if (!built.has(deps)) built.set(deps, build(c))
    return built.get(deps) as T
  }
}
