// Starting servers for load: a child process on 127.0.0.1 and a free port, on a temp database.
// Shared by `npm run soak` and `npm run bench`.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Node flags that run TypeScript as `npm start` does. */
export const STRIP_TYPES = ['--experimental-strip-types', '--no-warnings=ExperimentalWarning']

const ENTRY = 'src/runtime/node/main.ts'

/**
 * The Node flags `npm start` runs the gateway with (package.json's `start` script, between
 * `node`, which the shell `exec`s, and the entry), so the bench and the soak measure the
 * gateway as users run it.
 */
export const START_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string }
  }
  const words = pkg.scripts.start.trim().split(/\s+/)
  if (words[0] === 'exec') words.shift()
  const entry = words.indexOf(ENTRY)
  if (words[0] !== 'node' || entry < 0)
    throw new Error(`unexpected start script: ${pkg.scripts.start}`)
  return words.slice(1, entry)
})()

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/**
 * Resident set size of a process, in MB of 10^6 bytes, as every figure of the bench (its VmRSS,
 * read from /proc: cheap enough to sample; the kernel's kB there are KiB).
 */
export const rssMb = (pid: number): number => {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return (Number(line?.[1] ?? 0) * 1024) / 1e6
}

/** User + system CPU seconds so far in a /proc `stat` file (clock ticks of 10 ms). */
const statSeconds = (file: string): number => {
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * CPU seconds a process has used so far: all its threads (user + system time, in ticks of
 * 10 ms), and its main thread alone, to the nanosecond (`schedstat`): Node's event loop, where
 * every request's JavaScript runs.
 */
export const cpuSeconds = (pid: number): { all: number; main: number } => ({
  all: statSeconds(`/proc/${pid}/stat`),
  main: Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9,
})

export interface GatewayProcess {
  server: ChildProcess
  port: number
  dir: string
  databaseUrl: string
  apiKey: string
  orgToken: string
  log: string[]
  stop: () => void
}

// What Node prints to stderr about its inspector when started with `--inspect`.
const INSPECTOR_NOTICE =
  /^(Debugger (?:listening|ending) on .*|For help, see: .*|Debugger attached\.|Waiting for the debugger to disconnect\.\.\.)\n/gm

/**
 * New secrets for a gateway of the bench's, as the environment gives them: one API key, one
 * organisation token, a token secret and an encryption key.
 */
export const freshSecrets = () => ({
  API_KEYS: `bench-${crypto.randomUUID()}`,
  ORG_TOKENS: `org-${crypto.randomUUID()}`,
  TOKEN_SECRET: crypto.randomUUID() + crypto.randomUUID(),
  ENCRYPTION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
})

/**
 * The gateway (`src/runtime/node/main.ts`, with `npm start`'s flags) in production mode, with
 * fresh secrets, on a fresh database or the one `databaseUrl` names; `nodeFlags` go to node
 * before the script (the exports bench adds `--inspect` to read the gateway's V8 heap).
 */
export const startGateway = async (
  env: NodeJS.ProcessEnv = {},
  databaseUrl?: string,
  nodeFlags: readonly string[] = [],
): Promise<GatewayProcess> => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-'))
  const port = await freePort()
  const secrets = freshSecrets()
  const apiKey = secrets.API_KEYS
  const orgToken = secrets.ORG_TOKENS
  databaseUrl ??= `file:${join(dir, 'gateway.db')}`
  const server = spawn(process.execPath, [...START_FLAGS, ...nodeFlags, ENTRY], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      ...secrets,
      // Production needs a code sender; the bench sends no confirmation code, so none is called.
      CODE_WEBHOOK_URL: 'https://127.0.0.1:47/codes',
      CODE_WEBHOOK_SECRET: `whsec-${crypto.randomUUID()}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString().replace(INSPECTOR_NOTICE, '')
    if (text) process.stderr.write(text)
  })
  const log: string[] = []
  server.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString()))
  await waitFor(port, '/healthz', log)
  const stop = () => {
    server.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  return { server, port, dir, databaseUrl, apiKey, orgToken, log, stop }
}

/** Polls until `path` answers 200; throws with the server's log after ~10 s. */
export const waitFor = async (port: number, path: string, log: readonly string[] = []) => {
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    if (i > 100) throw new Error(`server on ${port} did not start:\n${log.join('')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
