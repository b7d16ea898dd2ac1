import { join } from 'node:path'
import { parseCodeSender } from '../../config/code-sender.ts'
import { parseSecrets } from '../../config/secrets.ts'
import { parseContactTokenTtl } from '../../config/token-ttl.ts'
import { parseOrigins } from '../../middleware/cors.ts'
import { codeSenderFor } from '../code-sender.ts'
import { jsonLogger } from '../logger.ts'
import { devSecrets } from './dev-secrets.ts'
import { startServer } from './server.ts'

// `npm start`: the gateway on Node. Configuration comes from the environment; see README.
const env = process.env
const logger = jsonLogger()
const production = env.NODE_ENV === 'production'
const dataDir = env.DATA_DIR ?? '.data'
const port = Number(env.PORT ?? 8787)
const host = env.HOST ?? '127.0.0.1'

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${env.PORT}"`)
  process.exit(1)
}
const synchronous = (env.SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase()
if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
  console.error(`SQLITE_SYNCHRONOUS must be NORMAL or FULL, not "${env.SQLITE_SYNCHRONOUS}"`)
  process.exit(1)
}
const locking = (env.SQLITE_LOCKING ?? 'NORMAL').toUpperCase()
if (locking !== 'NORMAL' && locking !== 'EXCLUSIVE') {
  console.error(`SQLITE_LOCKING must be NORMAL or EXCLUSIVE, not "${env.SQLITE_LOCKING}"`)
  process.exit(1)
}
const trustProxyHops = Number(env.TRUST_PROXY_HOPS ?? 0)
if (!Number.isInteger(trustProxyHops) || trustProxyHops < 0) {
  console.error(`TRUST_PROXY_HOPS must be a whole number, not "${env.TRUST_PROXY_HOPS}"`)
  process.exit(1)
}
let contactTokenTtlSeconds: number | undefined
try {
  contactTokenTtlSeconds = parseContactTokenTtl(env.CONTACT_TOKEN_TTL_SECONDS)
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}

let secrets = parseSecrets(env)
let generated: Record<string, string> | undefined
if (!secrets.ok && !production) {
  const dev = await devSecrets(dataDir)
  // Configured values win; generated ones only fill what is missing.
  secrets = parseSecrets({
    ...dev.values,
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v)),
  })
  generated = dev.values
  logger.info(dev.created ? 'generated development secrets' : 'using development secrets', {
    file: dev.file,
  })
}
if (!secrets.ok) {
  console.error(
    `Refusing to start: ${secrets.problems.join('; ')}.\n` +
      (production ? 'NODE_ENV=production never falls back to generated secrets.' : ''),
  )
  process.exit(1)
}

const sender = parseCodeSender(env, production)
if (!sender.ok) {
  console.error(`Refusing to start: ${sender.problems.join('; ')}.`)
  process.exit(1)
}
if (sender.config.kind === 'log') {
  logger.warn('confirmation codes go to the log (development; set CODE_WEBHOOK_URL to deliver)')
}

const started = await startServer({
  port,
  host,
  databaseUrl: env.DATABASE_URL ?? `file:${join(dataDir, 'gateway.db')}`,
  ...(env.DATABASE_AUTH_TOKEN ? { databaseAuthToken: env.DATABASE_AUTH_TOKEN } : {}),
  secrets,
  logger,
  codeSender: codeSenderFor(sender.config, logger),
  ...(contactTokenTtlSeconds ? { contactTokenTtlSeconds } : {}),
  corsOrigins: parseOrigins(env.CORS_ORIGINS),
  trustProxyHops,
  synchronous,
  locking,
}).catch((error: unknown) => {
  // The database could not be opened or migrated (a bad path, a file another process holds).
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  console.error(
    `Refusing to start: ${error instanceof Error ? error.message : String(error)}${cause}`,
  )
  process.exit(1)
})
const { close } = started

const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
logger.info('listening', { url: base })
if (generated) {
  const apiKey = secrets.secrets.apiKeys[0]
  console.log(
    [
      '',
      `Conneg Gateway is listening on ${base} (development secrets from ${dataDir}/dev-secrets.json)`,
      `  API key (X-API-Key):           ${apiKey}`,
      `  Organisation token (Bearer):   ${secrets.secrets.orgTokens[0]}`,
      '',
      'Try it:',
      `  curl -i -X POST ${base}/new/v2.0/external/alexa/users \\`,
      `    -H 'Content-Type: application/json' -H 'X-API-Key: ${apiKey}' \\`,
      `    -d '{"accessToken":"<string>","refreshToken":"<string>"}'`,
      '',
    ].join('\n'),
  )
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info('shutting down', { signal })
    void close().then(() => process.exit(0))
  })
}
