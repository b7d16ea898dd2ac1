import { CodeDeliveryError } from '../../app/code-delivery-error.ts'
import { type App, createApp } from '../../app/create-app.ts'
import type { CodeSender } from '../../app/types.ts'
import { type CodeSenderResult, parseCodeSender } from '../../config/code-sender.ts'
import { parseEnvironment } from '../../config/environment.ts'
import { parseSecrets, type SecretsResult } from '../../config/secrets.ts'
import { parseContactTokenTtl } from '../../config/token-ttl.ts'
import { cfConnectingIp } from '../../helper/client-address.ts'
import { parseOrigins } from '../../middleware/cors.ts'
import { d1Database } from '../../store/d1.ts'
import { createStore } from '../../store/index.ts'
import { codeSenderFor } from '../code-sender.ts'
import { objectId, traceIdOf } from '../ids.ts'
import { jsonLogger } from '../logger.ts'
import { workersDocsAssets } from './docs-assets.ts'

export interface WorkerEnv {
  DB: D1Database
  API_KEYS?: string
  ORG_TOKENS?: string
  TOKEN_SECRET?: string
  ENCRYPTION_KEY?: string
  /**
   * Lifetime of contact tokens in seconds (60 to 2592000); 24 hours by default. A TOML number
   * in `[vars]` arrives as a number.
   */
  CONTACT_TOKEN_TTL_SECONDS?: string | number
  /**
   * Comma-separated origins allowed to call from a browser (or a TOML array of them); none
   * (CORS off) by default.
   */
  CORS_ORIGINS?: string | readonly string[]
  /** Where confirmation codes are POSTed, with CODE_WEBHOOK_SECRET as a bearer token. */
  CODE_WEBHOOK_URL?: string
  CODE_WEBHOOK_SECRET?: string
  CODE_WEBHOOK_TIMEOUT_MS?: string
  /**
   * `development` in any letter case (what `npm run dev` writes into `.dev.vars`) allows the
   * log sender; anything else is production, which a deployed Worker is (`parseEnvironment`).
   */
  NODE_ENV?: string
}

/**
 * The secrets, with the code sender's and the other settings' problems among theirs: any of
 * them refuses to serve.
 */
const configured = (
  secrets: SecretsResult,
  sender: CodeSenderResult,
  settings: readonly string[],
): SecretsResult => {
  const problems = [
    ...(secrets.ok ? [] : secrets.problems),
    ...(sender.ok ? [] : sender.problems),
    ...settings,
  ]
  return problems.length === 0 ? secrets : { ok: false, problems }
}

/**
 * A setting read by `parse`, or undefined with its problem noted: a bad value must refuse to
 * serve as missing secrets do (a 500 problem, logged), not throw out of the Worker, which
 * would answer every request with the runtime's own error page.
 */
const setting = <T>(parse: () => T, problems: string[]): T | undefined => {
  try {
    return parse()
  } catch (error) {
    problems.push((error as Error).message)
    return undefined
  }
}

const apps = new WeakMap<object, App>()

const unconfigured: CodeSender = {
  send: () =>
    Promise.reject(new CodeDeliveryError('no code sender is configured', { undelivered: true })),
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
    // A bad value refuses to serve rather than guess a lifetime or an origin.
    const problems: string[] = []
    const ttl = setting(() => parseContactTokenTtl(env.CONTACT_TOKEN_TTL_SECONDS), problems)
    const origins = setting(() => parseOrigins(env.CORS_ORIGINS), problems) ?? []
    const bindings = env as unknown as Record<string, unknown>
    // A binding missing or named otherwise in wrangler.toml: not configured, not a 500 from
    // deep inside the first query.
    if (typeof (env.DB as Partial<D1Database> | undefined)?.prepare !== 'function')
      problems.push(
        'DB is not bound to a D1 database (wrangler.toml: [[d1_databases]] binding = "DB")',
      )
    const production = parseEnvironment(env.NODE_ENV, 'production') !== 'development'
    const sender = parseCodeSender(bindings, production)
    app = createApp({
      store: createStore(d1Database(env.DB)),
      secrets: configured(parseSecrets(bindings), sender, problems),
      clock: () => new Date(),
      newId: () => objectId(),
      newTraceId: traceIdOf,
      logger,
      // Without a usable sender nothing is served (above); this one is never reached then.
      codeSender: sender.ok ? codeSenderFor(sender.config, logger) : unconfigured,
      ...(ttl ? { contactTokenTtlSeconds: ttl } : {}),
      corsOrigins: origins,
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
