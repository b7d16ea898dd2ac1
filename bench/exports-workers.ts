// `GET /contacts/export` on the Workers runtime: `wrangler dev` (workerd, local D1) in a child
// process, contacts seeded straight into its D1 file, each format downloaded whole: MB/s, a
// complete document, and the worker isolate's JS heap, sampled through wrangler's inspector
// (`Runtime.getHeapUsage`) during the download: the memory the 128 MB isolate limit is about.
// (workerd's RSS says nothing of it: it holds the local D1 simulator too, which grows under any
// D1 load — 3,000 ordinary page requests grew it by 300 MB in a trial.) And the isolate's CPU
// time during the download, from V8's sampling profiler: what Workers' CPU limit counts.
// Sizes: BENCH_WORKERS_EXPORT_SIZES (default 100000,1000000). Run alone:
// `node --experimental-strip-types bench/exports-workers.ts`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { download, MEDIA, seedContacts } from './exports.ts'
import { inspectorSession } from './inspector.ts'
import { isMain } from './measure.ts'
import { freePort, waitFor } from './server-process.ts'

export const WORKERS_EXPORT_SIZES = (process.env.BENCH_WORKERS_EXPORT_SIZES ?? '100000,1000000')
  .split(',')
  .map(Number)

export interface WorkersExportResult {
  size: number
  format: string
  mbPerSecond: number
  bytes: number
  /** The worker isolate's used JS heap just before the download, and its peak during it, MB. */
  heapBeforeMb: number
  heapPeakMb: number
  /** The isolate's CPU time during the download (its sampled busy time), ms. */
  cpuMs: number
}

const WRANGLER = join('node_modules', '.bin', 'wrangler')
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }

/** The D1 database file miniflare keeps under `--persist-to`. */
const d1File = (dir: string): string => {
  const folder = join(dir, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const file = readdirSync(folder).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')
  if (!file) throw new Error(`no D1 database under ${folder}`)
  return join(folder, file)
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })

/** Every size, every format, each on a fresh local D1. */
export const benchWorkersExports = async (
  sizes = WORKERS_EXPORT_SIZES,
): Promise<WorkersExportResult[]> => {
  const out: WorkersExportResult[] = []
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-workers-bench-'))
    const persist = ['--local', '--persist-to', dir]
    execFileSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', ...persist], {
      env,
      stdio: 'ignore',
    })
    await seedContacts(`file:${d1File(dir)}`, size)
    const orgToken = `org-${crypto.randomUUID()}`
    const vars = {
      API_KEYS: `bench-${crypto.randomUUID()}`,
      ORG_TOKENS: orgToken,
      TOKEN_SECRET: crypto.randomUUID() + crypto.randomUUID(),
      ENCRYPTION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
      // As `npm run dev`: no confirmation code is sent, and none needs a webhook.
      NODE_ENV: 'development',
    }
    const port = await freePort()
    const inspectorPort = await freePort()
    const wrangler = spawn(
      WRANGLER,
      [
        'dev',
        ...['--ip', '127.0.0.1', '--port', String(port), '--persist-to', dir],
        ...['--inspector-port', String(inspectorPort), '--log-level', 'error'],
        '--show-interactive-dev-session=false',
        ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
      ],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    )
    try {
      await waitFor(port, '/healthz')
      // The inspector proxy refuses a connection without a local Origin.
      const isolate = await inspectorSession(
        `ws://127.0.0.1:${inspectorPort}/ws`,
        `http://127.0.0.1:${inspectorPort}`,
      )
      const usedMb = async () => (await isolate.heap()).used / 1e6
      try {
        for (const [format, accept] of Object.entries(MEDIA)) {
          const heapBeforeMb = await usedMb()
          let heapPeakMb = heapBeforeMb
          let sampling = true
          const sampler = (async () => {
            while (sampling) {
              const used = await usedMb()
              if (Number.isNaN(used)) throw new Error('the inspector closed during the export')
              heapPeakMb = Math.max(heapPeakMb, used)
              await new Promise((resolve) => setTimeout(resolve, 20))
            }
          })()
          await isolate.startProfile()
          const d = await download(port, undefined, orgToken, accept, size).finally(() => {
            sampling = false
          })
          await sampler
          const cpuMs = await isolate.stopProfile()
          out.push({
            size,
            format,
            mbPerSecond: d.bytes / 1e6 / d.seconds,
            bytes: d.bytes,
            heapBeforeMb,
            heapPeakMb,
            cpuMs,
          })
          console.error(
            `workers exports: ${size} ${format} ${(d.bytes / 1e6 / d.seconds).toFixed(1)} MB/s, isolate heap ${heapBeforeMb.toFixed(1)} → ${heapPeakMb.toFixed(1)} MB, isolate CPU ${(cpuMs / 1000).toFixed(2)} s`,
          )
        }
      } finally {
        isolate.close()
      }
    } finally {
      await stop(wrangler)
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return out
}

/** The RESULTS.md section: one row per size and format, and the isolate limit. */
export const workersExportReport = (results: readonly WorkersExportResult[]): string[] => {
  const peak = Math.max(...results.map((r) => r.heapPeakMb))
  return [
    '| rows | format | MB/s over HTTP | MB | isolate JS heap before MB | peak MB | isolate CPU s | CPU µs a contact |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.size.toLocaleString('en')} | ${r.format} | ${r.mbPerSecond.toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} | ${r.heapBeforeMb.toFixed(1)} | ${r.heapPeakMb.toFixed(1)} | ${(r.cpuMs / 1000).toFixed(2)} | ${((r.cpuMs * 1000) / r.size).toFixed(1)} |`,
    ),
    '',
    "Isolate CPU: the time the worker isolate ran JavaScript during the download, from V8's " +
      'sampling profiler (a sample a millisecond, through the same inspector): what Workers ' +
      "counts against a request's CPU limit (10 ms on the Free plan; 30 s by default on Paid, " +
      'up to 5 minutes with `[limits] cpu_ms`), waiting for D1 not included. The profiler ' +
      'samples by the clock, so time the thread waited for a core while it ran counts too: ' +
      'on a loaded machine it reads high.',
    '',
    '| target | measured | verdict |',
    '|---|---:|---|',
    `| Workers: the isolate's JS heap stays within 128 MB during every export | ${peak.toFixed(1)} MB | ${peak <= 128 ? 'PASS' : 'MISS'} |`,
  ]
}

if (isMain(import.meta.url))
  console.log(workersExportReport(await benchWorkersExports()).join('\n'))
