// HTTP throughput with autocannon (in this process) against servers in child processes: bare
// `node:http` serving the same JSON bytes, bare Hono `c.json` of the same store read, and the
// gateway in each of its five media types — for one contact and for a 100-contact page. For
// one contact, bare Hono again with the gateway's response headers, then with its bearer
// authentication as well (where the gateway's time goes). Then bare Hono and the gateway's
// JSON for one contact again, each on its own copy of the database
// opened with SQLITE_LOCKING=EXCLUSIVE (no lock calls per query; a file one process holds).
// And the gateway's JSON for one contact with ACCESS_LOG=on, its lines read off a pipe as a
// log collector would: what the access log costs.
// Variants alternate within each round; each figure is the median requests/s over the rounds,
// with the server's CPU time per request (user + system, from /proc) beside it.
// Settings: BENCH_ROUNDS (7), BENCH_SECONDS (2), BENCH_CONNECTIONS (10), BENCH_ONLY (a regular
// expression over `group / variant`, to run a subset while working on one of them).
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import autocannon from 'autocannon'
import { isMain, median, type Measured, ROUNDS } from './measure.ts'
import { cpuSeconds, freePort, startGateway, STRIP_TYPES, waitFor } from './server-process.ts'
import { sampleContacts } from './serializers.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const CONTACTS = 150
const ONLY = new RegExp(process.env.BENCH_ONLY ?? '')

const MEDIA = {
  json: 'application/json',
  hal: 'application/hal+json',
  xml: 'application/xml',
  csv: 'text/csv',
  html: 'text/html',
} as const

/** Bare Hono with the gateway's response headers, and with its bearer authentication too. */
export const HONO_HEADERS = 'hono + headers'
export const HONO_HEADERS_AUTH = 'hono + headers + auth'
/** The gateway's JSON with ACCESS_LOG=on: a row with no target, to show what the log costs. */
export const ACCESS_LOGGED = 'gateway json + access log'
/** The gateway's JSON page again, asked for gzipped (`COMPRESSION` is on by default). */
export const GZIPPED = 'gateway json (gzip)'

interface Variant {
  group: string
  name: string
  /** The server process, whose CPU time each round reads. */
  pid: number
  port: number
  path: string
  headers: Record<string, string>
}

/** User + system CPU time of a process so far, in µs. */
const cpuMicros = (pid: number): number => cpuSeconds(pid).all * 1e6

/** One round of load: requests/s, and the server's CPU µs per request it answered. */
const load = async (v: Variant, seconds: number) => {
  const cpu = cpuMicros(v.pid)
  const result = await autocannon({
    url: `http://127.0.0.1:${v.port}${v.path}`,
    headers: v.headers,
    connections: CONNECTIONS,
    duration: seconds,
  })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${v.group} / ${v.name}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return {
    rate: result.requests.average,
    cpuPerRequest: (cpuMicros(v.pid) - cpu) / result.requests.total,
  }
}

const startBare = async (bare: string, env: Record<string, string>) => {
  const port = await freePort()
  const child = spawn(process.execPath, [...STRIP_TYPES, 'bench/bare-server.ts'], {
    env: { ...process.env, ...env, BARE: bare, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  await waitFor(port, '/healthz')
  return { port, pid: child.pid!, stop: () => child.kill('SIGTERM') }
}

/** Every variant `rounds` times, alternating; median requests/s and the range per variant. */
export const benchHttp = async (rounds = ROUNDS): Promise<Measured[]> => {
  const gateway = await startGateway()
  const stops = [gateway.stop]
  try {
    const auth = { Authorization: `Bearer ${gateway.orgToken}` }
    const base = `http://127.0.0.1:${gateway.port}`
    const ids: string[] = []
    for (const contact of sampleContacts(CONTACTS)) {
      const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = contact
      const res = await fetch(`${base}/widget/authenticate-user`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(fields),
      })
      if (res.status !== 200) throw new Error(`seeding: ${res.status} ${await res.text()}`)
      ids.push(((await res.json()) as { contact: { id: string } }).contact.id)
    }
    const paths = { 'one resource': `/contacts/${ids[0]}`, '100-item page': '/contacts?limit=100' }

    // node:http serves the gateway's own JSON bytes for the same paths.
    const bodies: Record<string, string> = {}
    for (const path of Object.values(paths))
      bodies[path] = await (await fetch(`${base}${path}`, { headers: auth })).text()
    const bodiesFile = join(gateway.dir, 'bodies.json')
    writeFileSync(bodiesFile, JSON.stringify(bodies))
    const nodeHttp = await startBare('node-http', { BODIES: bodiesFile })
    const hono = await startBare('hono', { DATABASE_URL: gateway.databaseUrl })
    stops.push(nodeHttp.stop, hono.stop)
    // Bare Hono doing more of the gateway's work, one part at a time (one resource only).
    const withHeaders = await startBare('hono', {
      DATABASE_URL: gateway.databaseUrl,
      WITH: 'headers',
    })
    const withAuth = await startBare('hono', {
      DATABASE_URL: gateway.databaseUrl,
      WITH: 'headers,auth',
      ORG_TOKEN: gateway.orgToken,
    })
    stops.push(withHeaders.stop, withAuth.stop)

    // The same contacts in two more files, one per process that holds its file exclusively.
    const copies = ['hono-exclusive.db', 'gateway-exclusive.db'].map((f) => join(gateway.dir, f))
    const source = createClient({ url: gateway.databaseUrl })
    for (const copy of copies) await source.execute({ sql: 'VACUUM INTO ?', args: [copy] })
    source.close()
    const exclusive = { SQLITE_LOCKING: 'EXCLUSIVE' }
    const honoExclusive = await startBare('hono', {
      ...exclusive,
      DATABASE_URL: `file:${copies[0]}`,
    })
    const gatewayExclusive = await startGateway(exclusive, `file:${copies[1]}`)
    stops.push(honoExclusive.stop, gatewayExclusive.stop)
    const authExclusive = { Authorization: `Bearer ${gatewayExclusive.orgToken}` }
    // Its own process on the same file; its log is drained, not kept (a line per request).
    const gatewayLogged = await startGateway({ ACCESS_LOG: 'on' }, gateway.databaseUrl)
    gatewayLogged.server.stdout!.removeAllListeners('data').resume()
    stops.push(gatewayLogged.stop)

    const variants: Variant[] = Object.entries(paths)
      .flatMap(([group, path]) => [
        { group, name: 'node:http', pid: nodeHttp.pid, port: nodeHttp.port, path, headers: {} },
        { group, name: 'hono c.json', pid: hono.pid, port: hono.port, path, headers: {} },
        ...Object.entries(MEDIA).map(([key, accept]) => ({
          group,
          name: `gateway ${key}`,
          pid: gateway.server.pid!,
          port: gateway.port,
          path,
          headers: { ...auth, Accept: accept },
        })),
        // A page only: one contact's body is under the 1 KiB below which nothing is gzipped.
        ...(group === '100-item page'
          ? [
              {
                group,
                name: GZIPPED,
                pid: gateway.server.pid!,
                port: gateway.port,
                path,
                headers: { ...auth, Accept: MEDIA.json, 'Accept-Encoding': 'gzip' },
              },
            ]
          : []),
        // One resource only: there the store read is the largest share of a request.
        ...(group === 'one resource'
          ? [
              ...[
                { name: HONO_HEADERS, server: withHeaders },
                { name: HONO_HEADERS_AUTH, server: withAuth },
              ].map(({ name, server }) => ({
                group,
                name,
                pid: server.pid,
                port: server.port,
                path,
                headers: { ...auth, Accept: MEDIA.json },
              })),
              {
                group,
                name: 'hono c.json (exclusive)',
                pid: honoExclusive.pid,
                port: honoExclusive.port,
                path,
                headers: {},
              },
              {
                group,
                name: 'gateway json (exclusive)',
                pid: gatewayExclusive.server.pid!,
                port: gatewayExclusive.port,
                path,
                headers: { ...authExclusive, Accept: MEDIA.json },
              },
              {
                group,
                name: ACCESS_LOGGED,
                pid: gatewayLogged.server.pid!,
                port: gatewayLogged.port,
                path,
                headers: {
                  Authorization: `Bearer ${gatewayLogged.orgToken}`,
                  Accept: MEDIA.json,
                },
              },
            ]
          : []),
      ])
      .filter((v) => ONLY.test(`${v.group} / ${v.name}`))
    for (const v of variants) await load(v, 1) // warm-up: JIT, caches, connections
    const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]))
    const cpu = new Map<Variant, number[]>(variants.map((v) => [v, []]))
    for (let r = 0; r < rounds; r++) {
      // Rotate the starting variant so no variant always runs first or last.
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + r) % variants.length]!
        const round = await load(v, SECONDS)
        rates.get(v)!.push(round.rate)
        cpu.get(v)!.push(round.cpuPerRequest)
      }
      process.stderr.write(`http round ${r + 1}/${rounds}\n`)
    }
    return variants.map((v) => {
      const rs = rates.get(v)!
      return {
        group: v.group,
        name: v.name,
        median: median(rs),
        min: Math.min(...rs),
        max: Math.max(...rs),
        cpuPerRequest: median(cpu.get(v)!),
      }
    })
  } finally {
    for (const stop of stops) stop()
  }
}

if (isMain(import.meta.url)) {
  for (const m of await benchHttp()) {
    console.log(
      `${m.group.padEnd(14)} ${m.name.padEnd(14)} ${Math.round(m.median).toString().padStart(7)} req/s (${Math.round(m.min)}–${Math.round(m.max)}), ${m.cpuPerRequest!.toFixed(0)} µs CPU/request`,
    )
  }
}

/**
 * Where a gateway JSON request's server CPU goes, one resource: bare Hono, then with each part
 * of the gateway's work added, then the gateway itself; what each step adds. Empty when a
 * variant did not run (BENCH_ONLY).
 */
export const gatewayShare = (results: Measured[]): string[] => {
  const steps = [
    ['hono c.json', 'bare Hono: the store read, `c.json`'],
    [
      HONO_HEADERS,
      '+ the headers every gateway response carries: security headers, CSP, `Vary`, a new `X-Trace-Id`, `Link`',
    ],
    [
      HONO_HEADERS_AUTH,
      '+ the bearer token checked as the gateway checks it (SHA-256, constant time)',
    ],
    [
      'gateway json',
      'the gateway: + negotiation, header limits, the failure budget, URL format markers, its router over every route, its middleware chain',
    ],
  ] as const
  const cpu = steps.map(
    ([name]) => results.find((m) => m.group === 'one resource' && m.name === name)?.cpuPerRequest,
  )
  if (cpu.some((x) => x === undefined)) return []
  return [
    '| step | variant | server CPU µs/request | added µs |',
    '|---|---|---:|---:|',
    ...steps.map(
      ([name, step], i) =>
        `| ${step} | ${name} | ${cpu[i]!.toFixed(1)} | ${i === 0 ? '' : (cpu[i]! - cpu[i - 1]!).toFixed(1)} |`,
    ),
  ]
}
