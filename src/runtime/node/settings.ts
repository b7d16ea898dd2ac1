import { join } from 'node:path'
import { type Environment, parseEnvironment } from '../../config/environment.ts'
import { parseContactTokenTtl } from '../../config/token-ttl.ts'
import { parseOrigins } from '../../middleware/cors.ts'
import { DEFAULT_IDLE_TIMEOUT_SECONDS } from './stalled-clients.ts'

/** What `npm start` reads from the environment, besides secrets and the code sender. */
export interface NodeSettings {
  environment: Environment
  port: number
  host: string
  dataDir: string
  databaseUrl: string
  databaseAuthToken?: string
  synchronous: 'NORMAL' | 'FULL'
  locking: 'NORMAL' | 'EXCLUSIVE'
  trustProxyHops: number
  idleTimeoutSeconds: number
  contactTokenTtlSeconds?: number
  corsOrigins: string[]
  accessLog: boolean
  compression: boolean
}

export type NodeSettingsResult =
  { ok: true; settings: NodeSettings } | { ok: false; problems: string[] }

// Plain decimal digits: `Number` would also read `0x2000`, `1e4`, ` 80` and `8_0` as numbers.
const DIGITS = /^\d{1,9}$/

// A second at least; an hour at most, past which a stalled client is no longer a slow one.
const IDLE_MAX_SECONDS = 3600

const oneOf = <T extends string>(text: string, values: readonly T[]): T | undefined =>
  values.find((v) => v === text.toUpperCase())

/**
 * Reads the Node gateway's settings from an environment, every problem at once. A variable
 * set to an empty (or blank) value counts as unset, as the shell's `HOST= npm start` means:
 * it never binds every interface or opens a file named ''. Numbers are plain decimal digits.
 * `PORT=0` asks for any free port (the log names the one taken).
 *
 * @example
 * readNodeSettings({ PORT: '8080' }) // { ok: true, settings: { port: 8080, … } }
 * readNodeSettings({ PORT: '0x2000' }) // { ok: false, problems: ['PORT must be …'] }
 */
export const readNodeSettings = (env: Record<string, string | undefined>): NodeSettingsResult => {
  // Blank is unset; any other value is read as written (` 80` is no port number).
  const value = (name: string) => (env[name]?.trim() ? env[name] : undefined)
  const problems: string[] = []
  const problem = (text: string) => (problems.push(text), undefined)

  const nodeEnv = value('NODE_ENV')
  const environment =
    parseEnvironment(nodeEnv, 'development') ??
    problem(`NODE_ENV must be production or development (or unset: development), not "${nodeEnv}"`)
  const portText = value('PORT') ?? '8787'
  const port =
    DIGITS.test(portText) && Number(portText) <= 65535
      ? Number(portText)
      : problem(`PORT must be a port number from 0 to 65535 in decimal digits, not "${portText}"`)
  const hopsText = value('TRUST_PROXY_HOPS') ?? '0'
  const trustProxyHops = DIGITS.test(hopsText)
    ? Number(hopsText)
    : problem(`TRUST_PROXY_HOPS must be a whole number in decimal digits, not "${hopsText}"`)
  const idleText = value('IDLE_TIMEOUT_SECONDS') ?? String(DEFAULT_IDLE_TIMEOUT_SECONDS)
  const idleTimeoutSeconds =
    DIGITS.test(idleText) && Number(idleText) >= 1 && Number(idleText) <= IDLE_MAX_SECONDS
      ? Number(idleText)
      : problem(
          `IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to ${IDLE_MAX_SECONDS} ` +
            `in decimal digits, not "${idleText}"`,
        )
  const synchronousText = value('SQLITE_SYNCHRONOUS') ?? 'NORMAL'
  const synchronous =
    oneOf(synchronousText, ['NORMAL', 'FULL'] as const) ??
    problem(`SQLITE_SYNCHRONOUS must be NORMAL or FULL, not "${synchronousText}"`)
  const lockingText = value('SQLITE_LOCKING') ?? 'NORMAL'
  const locking =
    oneOf(lockingText, ['NORMAL', 'EXCLUSIVE'] as const) ??
    problem(`SQLITE_LOCKING must be NORMAL or EXCLUSIVE, not "${lockingText}"`)
  const accessLogText = value('ACCESS_LOG') ?? 'off'
  const accessLog =
    oneOf(accessLogText, ['ON', 'OFF'] as const) ??
    problem(`ACCESS_LOG must be on or off (or unset: off), not "${accessLogText}"`)
  const compressionText = value('COMPRESSION') ?? 'on'
  const compression =
    oneOf(compressionText, ['ON', 'OFF'] as const) ??
    problem(`COMPRESSION must be on or off (or unset: on), not "${compressionText}"`)
  const parsed = <T>(parse: () => T): T | undefined => {
    try {
      return parse()
    } catch (error) {
      return problem((error as Error).message)
    }
  }
  const contactTokenTtlSeconds = parsed(() =>
    parseContactTokenTtl(value('CONTACT_TOKEN_TTL_SECONDS')),
  )
  const corsOrigins = parsed(() => parseOrigins(value('CORS_ORIGINS')))
  const dataDir = value('DATA_DIR') ?? '.data'
  const databaseAuthToken = value('DATABASE_AUTH_TOKEN')

  if (
    problems.length > 0 ||
    !environment ||
    port === undefined ||
    trustProxyHops === undefined ||
    idleTimeoutSeconds === undefined ||
    !synchronous ||
    !locking ||
    !accessLog ||
    !compression ||
    !corsOrigins
  )
    return { ok: false, problems }
  return {
    ok: true,
    settings: {
      environment,
      port,
      host: value('HOST') ?? '127.0.0.1',
      dataDir,
      databaseUrl: value('DATABASE_URL') ?? `file:${join(dataDir, 'gateway.db')}`,
      ...(databaseAuthToken ? { databaseAuthToken } : {}),
      synchronous,
      locking,
      trustProxyHops,
      idleTimeoutSeconds,
      ...(contactTokenTtlSeconds ? { contactTokenTtlSeconds } : {}),
      corsOrigins,
      accessLog: accessLog === 'ON',
      compression: compression === 'ON',
    },
  }
}
