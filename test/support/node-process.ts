import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/runtime/node/main.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * A port nobody listens on right now.
 *
 * @example
 * const port = await freePort()
 */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

export interface GatewayProcess {
  child: ChildProcess
  base: string
  /** Everything it printed so far. */
  output: () => string
  /** The API key it generated and printed. */
  apiKey: () => string
  /** The organisation token the banner printed (development secrets). */
  orgToken: () => string
  stop: () => Promise<void>
}

/**
 * Starts `npm start`'s entry as a real process on a free port and waits until it listens.
 *
 * @example
 * const gateway = await startGateway({ DATA_DIR: dir })
 * await fetch(`${gateway.base}/healthz`)
 * await gateway.stop()
 */
export const startGateway = async (
  env: Record<string, string>,
  /**
   * Another copy of the entry (a checkout elsewhere), and the folder it runs in; or `npm`:
   * `npm start` itself in this checkout, its process the one signals go to.
   */
  { main = MAIN, cwd, npm = false }: { main?: string; cwd?: string; npm?: boolean } = {},
): Promise<GatewayProcess> => {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const processEnv = { PATH: process.env.PATH ?? '', PORT: String(port), ...env }
  const child = npm
    ? spawn('npm', ['start', '--silent'], { env: processEnv, cwd: ROOT })
    : spawn(process.execPath, ['--no-warnings', main], {
        env: processEnv,
        ...(cwd ? { cwd } : {}),
      })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  // With generated development secrets the banner is printed after the "listening" log line;
  // wait for it, so a test never reads a half-printed start under load.
  const ready = env.API_KEYS ? '"listening"' : 'Try it:'
  const listening = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(timer)
        resolve()
      }
    }, 50)
  })
  const code = await Promise.race([exited, listening])
  if (code !== undefined) throw new Error(`the gateway exited (${code}):\n${output}`)
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    apiKey: () => /API key \(X-API-Key\): +(\S+)/.exec(output)![1]!,
    orgToken: () => /Organisation token \(Bearer\): +(\S+)/.exec(output)![1]!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
