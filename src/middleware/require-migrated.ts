import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app/types.ts'
import { whenMigrated } from '../helper/migration-state.ts'

/**
 * Runs `handler` only once the database has the latest migration, else answers the 503
 * problem (`whenMigrated`). It wraps the route's first handler rather than adding a layer:
 * once the database was found migrated, a request pays one lookup and no query.
 *
 * @example
 * app.post('/widget/authenticate-user', requireMigrated(orgToken()), handler)
 */
export const requireMigrated =
  (handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) => {
    const pending = whenMigrated(c)
    return pending ? pending.then(() => handler(c, next)) : handler(c, next)
  }
