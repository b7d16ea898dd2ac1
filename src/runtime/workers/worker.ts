import { type App, createApp } from '../../app/create-app.ts'
import { parseSecrets } from '../../config/secrets.ts'
import { d1Database } from '../../store/d1.ts'
import { createStore } from '../../store/index.ts'
import { logSender } from '../code-sender.ts'
import { objectId, traceIdOf } from '../ids.ts'
import { jsonLogger } from '../logger.ts'

export interface WorkerEnv {
  DB: D1Database
  API_KEYS?: string
  ORG_TOKENS?: string
  TOKEN_SECRET?: string
  ENCRYPTION_KEY?: string
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
    app = createApp({
      store: createStore(d1Database(env.DB)),
      secrets: parseSecrets(env as unknown as Record<string, unknown>),
      clock: () => new Date(),
      newId: () => objectId(),
      newTraceId: traceIdOf,
      logger,
      codeSender: logSender(logger),
    })
    apps.set(env, app)
  }
  return app
}

export default {
  fetch: (request, env, ctx) => appFor(env).fetch(request, env, ctx),
} satisfies ExportedHandler<WorkerEnv>
