import { type App, createApp } from '../../app/create-app.ts'
import type { CodeSender } from '../../app/types.ts'
import { type CodeSenderResult, parseCodeSender } from '../../config/code-sender.ts'
import { parseSecrets, type SecretsResult } from '../../config/secrets.ts'
import { parseContactTokenTtl } from '../../config/token-ttl.ts'
import { cfConnectingIp } from '../../helper/client-address.ts'
import { parseOrigins } from '../../middleware/cors.ts'
import { d1Database } from '../../store/d1.ts'
import { createStore } from '../../store/index.ts'
import { CodeDeliveryError, codeSenderFor } from '../code-sender.ts'
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
  /** Where confirmation codes are POSTed, with CODE_WEBHOOK_SECRET as a bearer token. */
  CODE_WEBHOOK_URL?: string
  CODE_WEBHOOK_SECRET?: string
  CODE_WEBHOOK_TIMEOUT_MS?: string
  /**
   * `development` (what `npm run dev` writes into `.dev.vars`) allows the log sender; anything
   * else is production, which a deployed Worker is.
   */
  NODE_ENV?: string
}

/** The secrets, with the code sender's problems among theirs: either refuses to serve. */
const configured = (secrets: SecretsResult, sender: CodeSenderResult): SecretsResult =>
  sender.ok
    ? secrets
    : { ok: false, problems: [...(secrets.ok ? [] : secrets.problems), ...sender.problems] }

const apps = new WeakMap<object, App>()

const unconfigured: CodeSender = {
  send: () => Promise.reject(new CodeDeliveryError('no code sender is configured')),
}

/**
 * The gateway on an env: D1 storage and secrets from Workers bindings. Without its secrets, or
 * without a code sender (a webhook; the log only with `NODE_ENV=development`), it still
 * starts, and answers every request that needs them with a 500 "not configured" problem.
 */
export const appFor = (env: WorkerEnv): App => {
  let app = apps.get(env)
  if (!app) {
    const logger = jsonLogger()
    // A bad value throws here: the Worker refuses to serve rather than guess a lifetime.
    const ttl = parseContactTokenTtl(env.CONTACT_TOKEN_TTL_SECONDS)
    const bindings = env as unknown as Record<string, unknown>
    const sender = parseCodeSender(bindings, env.NODE_ENV !== 'development')
    app = createApp({
      store: createStore(d1Database(env.DB)),
      secrets: configured(parseSecrets(bindings), sender),
      clock: () => new Date(),
      newId: () => objectId(),
      newTraceId: traceIdOf,
      logger,
      // Without a usable sender nothing is served (above); this one is never reached then.
      codeSender: sender.ok ? codeSenderFor(sender.config, logger) : unconfigured,
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
