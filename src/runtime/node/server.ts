import { createServer } from 'node:http'
import { createApp, DEFAULT_LIMITS } from '../../app/create-app.ts'
import type { CodeSender, Logger } from '../../app/types.ts'
import { parseSecrets, type SecretsResult } from '../../config/secrets.ts'
import { createStore } from '../../store/index.ts'
import { logSender } from '../code-sender.ts'
import { objectId, traceIdOf } from '../ids.ts'
import { logAccess } from './access-log.ts'
import { nodeClientAddress } from './client-address.ts'
import { openDatabase } from './database.ts'
import { nodeDocsAssets } from './docs-assets.ts'
import { readMigrations } from './migrations.ts'
import { answerRefusedRequests, answerUnmetExpectations } from './refused-requests.ts'
import { closeOnlyIdleConnections } from './idle-connections.ts'
import { gatewayListener } from './request-listener.ts'
import { cutStalledClients, DEFAULT_IDLE_TIMEOUT_SECONDS } from './stalled-clients.ts'

export interface NodeConfig {
  port: number
  host: string
  /** `file:…` (embedded SQLite), `libsql://…`/`https://…` (a libSQL/Turso server) or `:memory:`. */
  databaseUrl: string
  databaseAuthToken?: string
  secrets: SecretsResult
  logger: Logger
  /**
   * Delivers confirmation codes (`codeSenderFor` of CODE_WEBHOOK_URL…); the log sender
   * when not given, which `npm start` passes only in development.
   */
  codeSender?: CodeSender
  /** Lifetime of open.cx contact tokens (CONTACT_TOKEN_TTL_SECONDS); 24 hours by default. */
  contactTokenTtlSeconds?: number
  /** Origins allowed to call from a browser (CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[]
  /** Reverse proxies in front whose `X-Forwarded-For` entry is trusted (TRUST_PROXY_HOPS). */
  trustProxyHops?: number
  /**
   * A file database's `PRAGMA synchronous` (SQLITE_SYNCHRONOUS). `NORMAL` (default, in WAL
   * mode): a crash of the process loses nothing, a power cut may lose the last commits, and a
   * write costs well under a millisecond. `FULL`: an fsync per commit (several ms, during which
   * the event loop waits) so not even a power cut loses an acknowledged write.
   */
  synchronous?: 'NORMAL' | 'FULL'
  /**
   * A file database's `PRAGMA locking_mode` (SQLITE_LOCKING). `NORMAL` (default): other
   * processes may open the file too (a second gateway, the `sqlite3` shell, a backup tool such
   * as Litestream), and every read takes and releases a lock on the WAL index — two `fcntl`
   * calls, which cost more than the read itself. `EXCLUSIVE`: the gateway holds the file from
   * its first read until it stops, with no lock calls per query (reading a contact: about 11 →
   * 4 µs); any other process that opens the file gets "database is locked", and so would a
   * second connection of its own: exports then read their batches on the event loop
   * (`openDatabase` opens no `bulkReads`).
   */
  locking?: 'NORMAL' | 'EXCLUSIVE'
  /**
   * Where one line per request goes (ACCESS_LOG; `npm start`: stdout, batched); absent: no
   * access log, and nothing is tracked.
   */
  accessLog?: Logger
  /**
   * Seconds a client may hold a request up with nothing read from or written to its
   * connection before it is closed (IDLE_TIMEOUT_SECONDS; 60 by default): a download it
   * stopped reading, a body it stopped sending (`cutStalledClients`).
   */
  idleTimeoutSeconds?: number
  /**
   * Gzip responses for clients that accept it (COMPRESSION; `npm start`: on), and say that
   * every response varies on Accept-Encoding (`compressed`). Off when not given.
   */
  compression?: boolean
}

/**
 * How long a stopping server lets the requests in progress finish (`close`) before it closes
 * their connections: a client holding an export open, or one that never finishes sending its
 * body, must not keep the process from stopping. Ten seconds is long enough for any ordinary
 * request and fits within the grace that process managers give before they kill (Docker and
 * systemd: 10 s and 90 s; Kubernetes: 30 s).
 */
export const SHUTDOWN_GRACE_MS = 10_000

/** What the gateway is built from on Node: everything of `NodeConfig` but where it listens. */
export type GatewayConfig = Omit<NodeConfig, 'port' | 'host'>

/**
 * Opens the database, applies pending migrations and builds the app, as `npm start` runs it,
 * without listening: the same gateway can answer `app.request` in the process (the bench
 * compares an export over HTTP with this).
 *
 * @example
 * const { app, close } = await openGateway(config)
 * await app.request('/healthz')
 */
export const openGateway = async (config: GatewayConfig) => {
  const { db, bulkReads, close, applied } = await openDatabase(
    {
      url: config.databaseUrl,
      ...(config.databaseAuthToken ? { authToken: config.databaseAuthToken } : {}),
      ...(config.synchronous ? { synchronous: config.synchronous } : {}),
      ...(config.locking ? { locking: config.locking } : {}),
    },
    await readMigrations(),
  )
  if (applied.length > 0) config.logger.info('migrations applied', { applied })
  const app = createApp({
    store: createStore(db, bulkReads ? { bulkReads } : {}),
    secrets: config.secrets,
    clock: () => new Date(),
    newId: () => objectId(),
    newTraceId: traceIdOf,
    logger: config.logger,
    codeSender: config.codeSender ?? logSender(config.logger),
    ...(config.contactTokenTtlSeconds
      ? { contactTokenTtlSeconds: config.contactTokenTtlSeconds }
      : {}),
    corsOrigins: config.corsOrigins ?? [],
    clientAddress: nodeClientAddress(config.trustProxyHops ?? 0),
    docsAssets: nodeDocsAssets(),
    compression: config.compression ?? false,
  })
  return { app, close }
}

/**
 * Opens the gateway (`openGateway`) and listens. What Node's parser or the adapter would
 * refuse before the app sees a request is answered as a problem too (`answerRefusedRequests`,
 * `answerUnmetExpectations`, `gatewayListener`), and a client that stalls mid-request is cut
 * off (`cutStalledClients`).
 *
 * @example
 * const { server, close } = await startServer(config)
 */
export const startServer = async (config: NodeConfig) => {
  const { app, close: closeDatabase } = await openGateway(config)
  // Without Host, an HTTP/1.1 request is answered by `gatewayListener`, not Node's bare 400.
  const server = createServer(
    { requireHostHeader: false },
    gatewayListener(app.fetch, {
      hostname: config.host,
      newTraceId: traceIdOf,
      logger: config.logger,
      compression: config.compression ?? false,
    }),
  )
  const access = config.accessLog ? logAccess(server, config.accessLog) : undefined
  answerRefusedRequests(server, traceIdOf, access?.told)
  answerUnmetExpectations(server, traceIdOf)
  cutStalledClients(server, {
    idleSeconds: config.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS,
    newTraceId: traceIdOf,
    logger: config.logger,
  })
  closeOnlyIdleConnections(server)
  // A client that waits for `100 Continue` is invited to send only a body the limit accepts:
  // one its Content-Length puts over the limit is answered 413 at once and never uploaded,
  // and the connection closes after the answer (the body would come next on it otherwise).
  server.on('checkContinue', (request, response) => {
    if (Number(request.headers['content-length']) > DEFAULT_LIMITS.bodyBytes)
      response.shouldKeepAlive = false
    else response.writeContinue()
    server.emit('request', request, response)
  })
  // A port in use (EADDRINUSE) or not ours to take rejects: the caller refuses to start.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch((error: unknown) => {
    closeDatabase()
    throw error
  })
  /**
   * Stops listening, lets requests in progress finish for up to `graceMs`, then closes the
   * connections left and the database. Idle keep-alive connections close within 50 ms, and so
   * does each one whose response has gone out meanwhile (Node's `close` only closes those idle
   * when it is called), looked for every 50 ms while stopping rather than on every request
   * (`closeOnlyIdleConnections`).
   */
  const close = (graceMs = SHUTDOWN_GRACE_MS) =>
    new Promise<void>((resolve) => {
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs)
      const idle = setInterval(() => server.closeIdleConnections(), 50)
      server.close(() => {
        clearTimeout(deadline)
        clearInterval(idle)
        closeDatabase()
        // A response cut here is logged a turn later, as the cut reaches it: a caller that
        // exits once this resolves would lose its line (at most a second is given to it).
        if (!access) return resolve()
        const cap = setTimeout(resolve, 1000)
        void access.logged().then(() => (clearTimeout(cap), resolve()))
      })
    })
  return { app, server, close }
}

export { parseSecrets }
