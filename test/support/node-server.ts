import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseSecrets } from '../../src/config/secrets.ts'
import { type NodeConfig, startServer } from '../../src/runtime/node/server.ts'
import { memoryLogger, TEST_ENV } from './deterministic.ts'

/**
 * The real Node server (`npm start` minus the environment: `startServer`, in this process) on a
 * database file in a fresh temp folder, with the test secrets. `close` stops it and removes
 * the folder.
 *
 * @example
 * const server = await serveOnFile({ trustProxyHops: 1 })
 * await fetch(`${server.base}/healthz`)
 * await server.close()
 */
export const serveOnFile = async (config: Partial<NodeConfig> = {}) => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-server-'))
  const databaseUrl = `file:${join(dir, 'gateway.db')}`
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    secrets: parseSecrets(TEST_ENV),
    logger: memoryLogger(),
    ...config,
  })
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    databaseUrl,
    /** Node's HTTP server, for what a test watches or sets on it. */
    server: server.server,
    close: async () => {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
