import { type App, createApp } from '../../app/create-app.ts'
import { parseSecrets } from '../../config/secrets.ts'
import { parseContactTokenTtl } from '../../config/token-ttl.ts'
import { cfConnectingIp } from '../../helper/client-address.ts'
import { parseOrigins } from '../../middleware/cors.ts'
import { d1Database } from '../../store/d1.ts'
import { createStore } from '../../store/index.ts'
import { logSender } from '../code-sender.ts'
import { objectId, traceIdOf } from '../ids.ts'
import { jsonLogger } from '../logger.ts'
import { workersDocsAssets } from './docs-assets.ts'

export interface WorkerEnv {
  DB: D1Database
  API_KEYS?: string
  ORG_TOKENS?: string
  TOKEN_SECRET?: string
  ENCRYPTION_KEY?: string
  /** Lifetime of contact tokens in seconds (60 to 2592000); 24 hours by default. */
  CONTACT_TOKEN_TTL_SECONDS?: string
  /** Comma-separated origins allowed to call from a browser; none (CORS off) by default. */
  CORS_ORIGINS?: string
}

const apps = new WeakMap<object, App>()

/**
 * The gateway on an env: D1 storage and secrets from Workers bindings. Without its secrets it
 * still starts, and answers every request that needs them with a 500 "not configured" problem.
 */
export const appFor = (env: WorkerEnv): App => {
  let app = apps.get(env)
  if (!app) {
    const logger = jsonLogger()
    // A bad value throws here: the Worker refuses to serve rather than guess a lifetime.
    const ttl = parseContactTokenTtl(env.CONTACT_TOKEN_TTL_SECONDS)
    app = createApp({
      store: createStore(d1Database(env.DB)),
      secrets: parseSecrets(env as unknown as Record<string, unknown>),
      clock: () => new Date(),
      newId: () => objectId(),
      newTraceId: traceIdOf,
      logger,
      codeSender: logSender(logger),
      ...(ttl ? { contactTokenTtlSeconds: ttl } : {}),
      corsOrigins: parseOrigins(env.CORS_ORIGINS),
      clientAddress: cfConnectingIp,
      docsAssets: workersDocsAssets,
    })
    apps.set(env, app)
  }
  return app
}

export default {
  fetch: (request, env, ctx) => appFor(env).fetch(request, env, ctx),
} satisfies ExportedHandler<WorkerEnv>
