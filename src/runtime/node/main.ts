import type { AddressInfo } from 'node:net'
import { parseCodeSender } from '../../config/code-sender.ts'
import { parseEnvironment } from '../../config/environment.ts'
import { parseSecrets } from '../../config/secrets.ts'
import { codeSenderFor } from '../code-sender.ts'
import { jsonLogger } from '../logger.ts'
import { batchedLines } from './batched-lines.ts'
import { devSecrets } from './dev-secrets.ts'
import { SHUTDOWN_GRACE_MS, startServer } from './server.ts'
import { readNodeSettings } from './settings.ts'

// `npm start`: the gateway on Node. Configuration comes from the environment; see README.
const env = process.env
const logger = jsonLogger()
function refuse(problems: readonly string[], hint = ''): never {
  console.error(`Refusing to start: ${problems.join('; ')}.${hint ? ` ${hint}` : ''}`)
  process.exit(1)
}

// Every problem of the configuration is named at once, so one restart fixes them all.
const read = readNodeSettings(env)
// A NODE_ENV that is neither is refused with the rest, which is judged as production's.
const production = read.ok
  ? read.settings.environment === 'production'
  : parseEnvironment(env.NODE_ENV, 'development') !== 'development'
const sender = parseCodeSender(env, production)
const settingProblems = read.ok ? [] : read.problems
const senderProblems = sender.ok ? [] : sender.problems

let secrets = parseSecrets(env)
let generated: Record<string, string> | undefined
if (!secrets.ok && !production) {
  // Development fills in what is missing, once nothing else stops the start.
  const settings =
    read.ok && sender.ok ? read.settings : refuse([...settingProblems, ...senderProblems])
  // An unwritable folder or a damaged file: a line saying so, not a stack.
  const dev = await devSecrets(settings.dataDir).catch((error: unknown) =>
    refuse([(error as Error).message]),
  )
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
if (!read.ok || !secrets.ok || !sender.ok) {
  const hint =
    production && !secrets.ok ? 'NODE_ENV=production never falls back to generated secrets.' : ''
  refuse([...settingProblems, ...(secrets.ok ? [] : secrets.problems), ...senderProblems], hint)
}
const { settings } = read
const { dataDir, host } = settings
if (sender.config.kind === 'log') {
  logger.warn('confirmation codes go to the log (development; set CODE_WEBHOOK_URL to deliver)')
}

const started = await startServer({
  port: settings.port,
  host,
  databaseUrl: settings.databaseUrl,
  ...(settings.databaseAuthToken ? { databaseAuthToken: settings.databaseAuthToken } : {}),
  secrets,
  logger,
  codeSender: codeSenderFor(sender.config, logger),
  ...(settings.contactTokenTtlSeconds
    ? { contactTokenTtlSeconds: settings.contactTokenTtlSeconds }
    : {}),
  corsOrigins: settings.corsOrigins,
  trustProxyHops: settings.trustProxyHops,
  idleTimeoutSeconds: settings.idleTimeoutSeconds,
  synchronous: settings.synchronous,
  locking: settings.locking,
  compression: settings.compression,
  // A line per request, written a turn of the event loop at a time rather than one by one.
  ...(settings.accessLog ? { accessLog: jsonLogger(batchedLines()) } : {}),
}).catch((error: unknown) => {
  // The database could not be opened or migrated (a bad path, a file another process holds):
  // what failed, and what SQLite or the driver said, at the bottom of the causes.
  let cause: unknown = error instanceof Error ? error.cause : undefined
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause
  const why = cause instanceof Error ? `: ${cause.message}` : ''
  return refuse([`${error instanceof Error ? error.message : String(error)}${why}`])
})
const { close } = started
// PORT=0 takes any free port: the log and the curl line name the one taken.
const { port } = started.server.address() as AddressInfo

const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
logger.info('listening', { url: base })
if (generated) {
  // Only what was generated is printed: a key or token the environment set is its owner's,
  // and never goes to a log.
  const shown = (name: string, value: string | undefined) =>
    env[name] ? `<one of your ${name}>` : value
  const apiKey = shown('API_KEYS', secrets.secrets.apiKeys[0])
  console.log(
    [
      '',
      `Conneg Gateway is listening on ${base} (development secrets from ${dataDir}/dev-secrets.json)`,
      `  API key (X-API-Key):           ${apiKey}`,
      `  Organisation token (Bearer):   ${shown('ORG_TOKENS', secrets.secrets.orgTokens[0])}`,
      '',
      'Try it:',
      `  curl -i -X POST ${base}/new/v2.0/external/alexa/users \\`,
      `    -H 'Content-Type: application/json' -H 'X-API-Key: ${apiKey}' \\`,
      `    -d '{"accessToken":"<string>","refreshToken":"<string>"}'`,
      '',
    ].join('\n'),
  )
}

// The first signal lets requests in progress finish (up to SHUTDOWN_GRACE_MS, then their
// connections are closed); a second one, from an operator who will not wait, exits at once.
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn('stopping at once', { signal })
      process.exit(1)
    }
    stopping = true
    logger.info('shutting down', { signal, graceMs: SHUTDOWN_GRACE_MS })
    void close().then(() => process.exit(0))
  })
}
