import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { createClient } from '@libsql/client'
import { createApp } from '../../app/create-app.ts'
import type { Logger } from '../../app/types.ts'
import { parseSecrets, type SecretsResult } from '../../config/secrets.ts'
import { libsqlDatabase } from '../../store/libsql.ts'
import { applyMigrations, createStore } from '../../store/index.ts'
import { logSender } from '../code-sender.ts'
import { objectId, traceIdOf } from '../ids.ts'
import { readMigrations } from './migrations.ts'

export interface NodeConfig {
  port: number
  host: string
  /** `file:…` (embedded SQLite), `libsql://…`/`https://…` (a libSQL/Turso server) or `:memory:`. */
  databaseUrl: string
  databaseAuthToken?: string
  secrets: SecretsResult
  logger: Logger
}

/**
 * Opens the database, applies pending migrations, builds the app and listens.
 *
 * @example
 * const { server, close } = await startServer(config)
 */
export const startServer = async (config: NodeConfig) => {
  if (config.databaseUrl.startsWith('file:')) {
    await mkdir(dirname(config.databaseUrl.slice('file:'.length)), { recursive: true })
  }
  const client = createClient({
    url: config.databaseUrl,
    ...(config.databaseAuthToken ? { authToken: config.databaseAuthToken } : {}),
  })
  const db = libsqlDatabase(client)
  const applied = await applyMigrations(db, await readMigrations())
  if (applied.length > 0) config.logger.info('migrations applied', { applied })
  const app = createApp({
    store: createStore(db),
    secrets: config.secrets,
    clock: () => new Date(),
    newId: () => objectId(),
    newTraceId: traceIdOf,
    logger: config.logger,
    codeSender: logSender(config.logger),
  })
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    )
  })
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        client.close()
        resolve()
      })
    })
  return { app, server, close }
}

export { parseSecrets }
