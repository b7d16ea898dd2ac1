// `GET /contacts/export` over HTTP: contacts seeded straight into the gateway's libSQL file
// (one transaction of INSERT … SELECT batches), the gateway in a child process, each format
// downloaded and consumed as a stream while the child's VmRSS is sampled from /proc (one cold
// download of each format first, reported apart: they include V8 growing its heap once), and
// its V8 heap read through the inspector after each download (after the last, once more after
// a full collection: what the gateway keeps). Against:
// the in-process serializers on the first 10,000 of the same contacts (MB/s, median of rounds),
// measured in a process of their own just before the first download and just after the last;
// and the same exports without HTTP (the gateway as `npm start` builds it, answering
// `app.request` in a process of its own: its store read and writer without a socket), which
// shows what HTTP costs an export.
// Sizes: BENCH_EXPORT_SIZES (default 100000,1000000). Run alone: `node --expose-gc --experimental-strip-types bench/exports.ts`.
import { execFile } from 'node:child_process'
import { get } from 'node:http'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createGunzip } from 'node:zlib'
import { createClient } from '@libsql/client'
import { parseSecrets } from '../src/config/secrets.ts'
import { formatByKey } from '../src/formats/registry.ts'
import { CONTACTS_EXPORT } from '../src/apis/opencx/paths.ts'
import { Contacts } from '../src/model/contact.ts'
import { openDatabase } from '../src/runtime/node/database.ts'
import { openGateway } from '../src/runtime/node/server.ts'
import { contacts } from '../src/store/contacts.ts'
import { inspectorSession, nodeInspectorUrl } from './inspector.ts'
import { bodyBytes, isMain, median, ratioText, ROUNDS } from './measure.ts'
import {
  cpuSeconds,
  freePort,
  freshSecrets,
  rssMb,
  START_FLAGS,
  startGateway,
} from './server-process.ts'

const run = promisify(execFile)

export const EXPORT_SIZES = (process.env.BENCH_EXPORT_SIZES ?? '100000,1000000')
  .split(',')
  .map(Number)
export const MEDIA = {
  csv: 'text/csv',
  xml: 'application/xml',
  json: 'application/json',
  hal: 'application/hal+json',
}
const CHUNK = 100_000

export interface ExportResult {
  size: number
  format: string
  seedSeconds: number
  mbPerSecond: number
  /** The document's bytes; `wireBytes`, what crossed the connection (gzipped, or the same). */
  bytes: number
  wireBytes: number
  /** Peak VmRSS during the download minus VmRSS just before it, in MB. */
  rssGrowthMb: number
  /** VmRSS just before the download, in MB: with the growth, the peak the process reached. */
  rssBeforeMb: number
  /** Just after the download: VmRSS, and V8's heap (used by objects, and reserved), in MB. */
  rssAfterMb: number
  heapUsedMb: number
  heapTotalMb: number
  /** The gateway of this size: before its first download, and after its last. */
  gateway: GatewayMemory
  /** The in-process serializer on 10,000 of the same contacts, MB/s. */
  inProcessMbPerSecond: number
  /** Reading every contact of this size from the store alone, in process (no serializer), s. */
  readSeconds: number
  /** The same export without HTTP (`app.request`, in a process of its own), MB/s. */
  inProcessExportMbPerSecond: number
  /** The download's seconds, and the gateway's CPU seconds meanwhile: its event loop's, all. */
  seconds: number
  cpu: { main: number; all: number }
}

/** The gateway's memory around a size's downloads, in MB. */
export interface GatewayMemory {
  /** Before the first download (seeded, started, idle): VmRSS and V8's heap. */
  startRssMb: number
  startHeapUsedMb: number
  startHeapTotalMb: number
  /** V8's used heap after the last download and a full collection: what the gateway keeps. */
  keptHeapMb: number
}

/** `n` contacts shaped like `sampleContacts` (customData on all, every tenth name needing escapes), in one transaction. */
export const seedContacts = async (url: string, n: number): Promise<number> => {
  const t0 = performance.now()
  const client = createClient({ url })
  const tx = await client.transaction('write')
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK) - 1
    await tx.execute(`WITH RECURSIVE k(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM k WHERE i < ${to})
      INSERT INTO contacts (id, email, email_key, name, phone, language, custom_data, chat_context, created_at, updated_at)
      SELECT printf('c%023d', i), 'user' || i || '@example.com', 'user' || i || '@example.com',
        CASE WHEN i % 10 = 0 THEN 'Ada, "the" Countess ' || i || ' & <co>' ELSE 'Ada Lovelace ' || i END,
        CASE WHEN i % 3 = 0 THEN NULL ELSE printf('+4915123%06d', i) END,
        CASE i % 5 WHEN 0 THEN 'en' WHEN 1 THEN 'de' WHEN 2 THEN 'fr' WHEN 3 THEN 'es' ELSE 'ar' END,
        json_object('plan', CASE WHEN i % 2 THEN 'pro' ELSE 'free' END, 'seats', i % 50,
          'vip', json(CASE WHEN i % 7 = 0 THEN 'true' ELSE 'false' END), 'note', 'n' || i),
        CASE WHEN i % 4 = 0 THEN 'returning visitor' END,
        strftime('%Y-%m-%dT%H:%M:%fZ', 1735689600 + i, 'unixepoch'),
        strftime('%Y-%m-%dT%H:%M:%fZ', 1735689600 + i, 'unixepoch')
      FROM k`)
  }
  await tx.commit()
  client.close()
  return (performance.now() - t0) / 1000
}

/** A 10,000-contact page read from the database, as the serializers get it. */
export const readPage = async (url: string) => {
  const { db, close } = await openDatabase({ url })
  const next = contacts(db).exportReader()
  const items = []
  for (let batch = await next(); items.push(...batch.items) < 10_000 && !batch.end;)
    batch = await next()
  items.length = Math.min(items.length, 10_000)
  close()
  return { items, total: items.length, skip: 0, limit: items.length }
}

/**
 * Seconds to read every contact through the export's own reader as the gateway opens it
 * (`exportReader`: batches of JSON text, read ahead on the second connection, parsed) in this
 * process, without writing them: the median of three.
 */
const readAllSeconds = async (url: string): Promise<number> => {
  const { db, bulkReads, close } = await openDatabase({ url })
  const times: number[] = []
  try {
    for (let r = 0; r < 3; r++) {
      const next = contacts(db, bulkReads ? { bulkReads } : {}).exportReader()
      const t0 = performance.now()
      while (!(await next()).end);
      times.push((performance.now() - t0) / 1000)
    }
  } finally {
    close()
  }
  return median(times)
}

/** Rounds of the in-process serializers: each call takes a few ms, so many rounds are cheap. */
export const SERIALIZER_ROUNDS = ROUNDS * 3

/**
 * MB/s of each format's serializer on `page`, writing the body a response sends
 * (`serializeBody` where the format has one): the median of `SERIALIZER_ROUNDS` calls after two
 * warm-ups. The formats take turns call by call, each round starting with the next one, from a
 * collected heap. Measured one after another, each format ran in whatever garbage the one
 * before it left (JSON, measured after XML's bytes, came out at half its rate at 1,000,000
 * contacts, and at its full rate a moment later).
 */
export const serializerRates = (
  page: Awaited<ReturnType<typeof readPage>>,
): Record<string, number> => {
  const keys = Object.keys(MEDIA) as (keyof typeof MEDIA)[]
  const calls = keys.map((key) => {
    const format = formatByKey(key)!
    const serialize = format.serializeBody ?? format.serialize
    const context = {
      mediaType: MEDIA[key],
      maxDepth: 32,
      links: { self: { href: '/contacts/export' } },
      collection: {
        itemsKey: 'items',
        itemLinks: (c: unknown) => ({ self: { href: `/contacts/${(c as { id: string }).id}` } }),
      },
    }
    return () => bodyBytes(serialize(Contacts, page, context))
  })
  const rates: number[][] = keys.map(() => [])
  ;(globalThis as { gc?: () => void }).gc?.()
  for (let r = 0; r < SERIALIZER_ROUNDS + 2; r++) {
    for (let i = 0; i < keys.length; i++) {
      const k = (r + i) % keys.length
      const t0 = performance.now()
      const bytes = calls[k]!()
      if (r >= 2) rates[k]!.push(bytes / 1e6 / ((performance.now() - t0) / 1000))
    }
  }
  return Object.fromEntries(keys.map((key, k) => [key, median(rates[k]!)]))
}

const TAIL = 64

/** The last `TAIL` bytes of a body so far, after its next chunk. */
const lastBytes = (tail: Buffer, chunk: Uint8Array): Buffer =>
  chunk.length >= TAIL
    ? Buffer.from(chunk.buffer, chunk.byteOffset + chunk.length - TAIL, TAIL)
    : Buffer.concat([tail, chunk]).subarray(-TAIL)

/** Throws unless an export of `n` contacts answered 200 and ended as a whole document does. */
const assertComplete = (accept: string, status: number, tail: Buffer, n: number) => {
  const end = tail.toString()
  // A cut stream would miss its tail: the total (JSON, HAL, XML) or the last row (CSV).
  if (status !== 200 || !(end.includes(`${n}`) || end.includes(`${n - 1}`)))
    throw new Error(`${accept}: status ${status}, incomplete body ending ${end}`)
}

/**
 * MB/s of each format's export of `n` contacts by the gateway in this process (`openGateway`
 * on the same file, answering `app.request`): its store read and writer, without a socket or
 * an HTTP parser. A JSON export first, uncounted, as over HTTP: the first export after start
 * grows V8's heap. The bench runs it in a process of its own (`inProcessExportsApart`).
 */
export const inProcessExports = async (url: string, n: number): Promise<Record<string, number>> => {
  const env = freshSecrets()
  const token = env.ORG_TOKENS
  const secrets = parseSecrets(env)
  const quiet = { info() {}, warn() {}, error() {} }
  const { app, close } = await openGateway({ databaseUrl: url, secrets, logger: quiet })
  const rates: Record<string, number> = {}
  try {
    const order: [string, string][] = [['cold', MEDIA.json], ...Object.entries(MEDIA)]
    for (const [key, accept] of order) {
      const t0 = performance.now()
      const res = await app.request(CONTACTS_EXPORT, {
        headers: { Authorization: `Bearer ${token}`, Accept: accept },
      })
      let bytes = 0
      let tail = Buffer.alloc(0)
      const reader = res.body!.getReader()
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        bytes += read.value.length
        tail = lastBytes(tail, read.value)
      }
      const seconds = (performance.now() - t0) / 1000
      assertComplete(accept, res.status, tail, n)
      rates[key] = bytes / 1e6 / seconds
    }
  } finally {
    close()
  }
  return rates
}

/**
 * MB/s per format from a script of the bench run in a child process of its own, with
 * `npm start`'s flags, as the gateway's process: the bench's own heap (every contact
 * `readAllSeconds` read, the seeding's and the downloads' garbage) does not weigh on the
 * figure. Measured in the bench's process, the serializers' rates followed its heap: JSON on
 * 1,000,000 contacts came out at 355 MB/s in one full run and 518 in the next, the same code.
 */
const ratesApart = async (
  script: string,
  env: Record<string, string>,
  flags: readonly string[] = [],
): Promise<Record<string, number>> => {
  const { stdout } = await run(
    process.execPath,
    [...START_FLAGS, ...flags, fileURLToPath(new URL(script, import.meta.url))],
    { env: { ...process.env, ...env } },
  )
  return JSON.parse(stdout) as Record<string, number>
}

/**
 * Downloads one export with `node:http` (a lean reader, so the figure is the server's, not a
 * client stream's); bytes, seconds and the peak RSS growth. With `gzip`, asks for it
 * (`Accept-Encoding: gzip`) and gunzips as it reads, as a client would.
 */
export const download = async (
  port: number,
  /** The server's resident memory now, in MB; without it, no RSS is sampled (growth 0). */
  serverRss: (() => number) | undefined,
  token: string,
  accept: string,
  n: number,
  gzip = false,
) => {
  const base = serverRss?.() ?? 0
  let peak = base
  const sampler = serverRss && setInterval(() => (peak = Math.max(peak, serverRss())), 20)
  const t0 = performance.now()
  const { status, bytes, wireBytes, tail } = await new Promise<{
    status: number
    bytes: number
    wireBytes: number
    tail: Buffer
  }>((resolve, reject) => {
    const headers = {
      Authorization: `Bearer ${token}`,
      Accept: accept,
      ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}),
    }
    get(`http://127.0.0.1:${port}${CONTACTS_EXPORT}`, { headers }, (res) => {
      if (gzip && res.headers['content-encoding'] !== 'gzip')
        return reject(new Error(`${accept}: not gzipped (is COMPRESSION off?)`))
      let bytes = 0
      let wireBytes = 0
      let tail = Buffer.alloc(0)
      res.on('data', (chunk: Buffer) => (wireBytes += chunk.length))
      const body = gzip ? res.pipe(createGunzip()) : res
      body.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        tail = lastBytes(tail, chunk)
      })
      body.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, wireBytes, tail }))
      body.on('error', reject)
      res.on('error', reject)
    }).on('error', reject)
  })
  const seconds = (performance.now() - t0) / 1000
  if (sampler) clearInterval(sampler)
  assertComplete(accept, status, tail, n)
  return {
    bytes,
    wireBytes,
    seconds,
    rssGrowthMb: Math.max(0, peak - base),
    rssBeforeMb: base,
    rssPeakMb: peak,
  }
}

/** Every size, every format; the gateway restarted per size on a fresh database. */
export const benchExports = async (sizes = EXPORT_SIZES): Promise<ExportResult[]> => {
  const out: ExportResult[] = []
  const mb = (bytes: number) => bytes / 1e6
  for (const size of sizes) {
    // The inspector only answers between downloads (heap reads), so an export runs as it would.
    const inspectorPort = await freePort()
    const gateway = await startGateway({}, undefined, [`--inspect=127.0.0.1:${inspectorPort}`])
    let v8: Awaited<ReturnType<typeof inspectorSession>> | undefined
    try {
      v8 = await inspectorSession(await nodeInspectorUrl(inspectorPort))
      const seedSeconds = await seedContacts(gateway.databaseUrl, size)
      const readSeconds = await readAllSeconds(gateway.databaseUrl)
      const pid = gateway.server.pid!
      // The first export of each format after start (cold) grows V8's heap towards its working
      // size, which the format that allocates fastest sets (JSON alone left XML growing it by
      // 18-21 MB once the reads ran off the event loop); later ones show what an export itself
      // holds (warm), which is what the "within 10%" targets judge.
      const cold = Object.entries(MEDIA).map(([key, accept]) => [`${key} (cold)`, accept] as const)
      // Last, gzipped (COMPRESSION is on by default), as a browser or `curl --compressed` asks.
      const gzipped = Object.entries(MEDIA).map(
        ([key, accept]) => [`${key} (gzip)`, accept] as const,
      )
      // The serializers' rates just before the first download and just after the last (their
      // mean), so both sides of each ratio meet the same conditions on a machine whose speed
      // drifts; the downloads themselves run back to back: a pause between two would let V8
      // shrink the gateway's heap while idle, and the next download grow it again.
      const rates = () =>
        ratesApart('serializer-rates.ts', { DATABASE_URL: gateway.databaseUrl }, ['--expose-gc'])
      const before = await rates()
      const startHeap = await v8.heap()
      const start = {
        startRssMb: rssMb(pid),
        startHeapUsedMb: mb(startHeap.used),
        startHeapTotalMb: mb(startHeap.total),
      }
      const sized: Omit<
        ExportResult,
        'inProcessMbPerSecond' | 'gateway' | 'readSeconds' | 'inProcessExportMbPerSecond'
      >[] = []
      for (const [format, accept] of [...cold, ...Object.entries(MEDIA), ...gzipped]) {
        const cpu = cpuSeconds(pid)
        const gzip = format.endsWith('(gzip)')
        const rss = () => rssMb(pid)
        const d = await download(gateway.port, rss, gateway.orgToken, accept, size, gzip)
        const cpuAfter = cpuSeconds(pid)
        const rssAfterMb = rssMb(pid)
        const heap = await v8.heap()
        sized.push({
          size,
          format,
          seedSeconds,
          mbPerSecond: d.bytes / 1e6 / d.seconds,
          bytes: d.bytes,
          wireBytes: d.wireBytes,
          seconds: d.seconds,
          cpu: { main: cpuAfter.main - cpu.main, all: cpuAfter.all - cpu.all },
          rssGrowthMb: d.rssGrowthMb,
          rssBeforeMb: d.rssBeforeMb,
          rssAfterMb,
          heapUsedMb: mb(heap.used),
          heapTotalMb: mb(heap.total),
        })
        console.error(
          `exports: ${size} ${format} ${(d.bytes / 1e6 / d.seconds).toFixed(1)} MB/s, +${d.rssGrowthMb.toFixed(1)} MB RSS (${d.rssBeforeMb.toFixed(0)} → ${d.rssPeakMb.toFixed(0)} MB), V8 heap ${mb(heap.used).toFixed(1)} of ${mb(heap.total).toFixed(1)} MB`,
        )
      }
      const after = await rates()
      await v8.collectGarbage()
      const memory = { ...start, keptHeapMb: mb((await v8.heap()).used) }
      // While the gateway's process idles, so the two do not share the cores.
      const inProcess = await ratesApart('export-in-process.ts', {
        DATABASE_URL: gateway.databaseUrl,
        EXPORT_ROWS: String(size),
      })
      for (const r of sized) {
        const key = r.format.split(' ')[0]!
        out.push({
          ...r,
          inProcessMbPerSecond: (before[key]! + after[key]!) / 2,
          gateway: memory,
          readSeconds,
          inProcessExportMbPerSecond: inProcess[key]!,
        })
      }
    } finally {
      v8?.close()
      gateway.stop()
    }
  }
  return out
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')

/**
 * The RESULTS.md section: a table per size and format, then the targets. RSS growth "within
 * 10%" of the smaller run allows 1 MB absolute, the resolution of sampling VmRSS every 20 ms.
 */
export const exportReport = (results: readonly ExportResult[]): string[] => {
  const sizes = [...new Set(results.map((r) => r.size))].sort((a, b) => a - b)
  const small = sizes[0]
  const large = sizes.at(-1)
  const at = (size: number | undefined, format: string) =>
    results.find((r) => r.size === size && r.format === format)
  // The cold and the gzipped downloads are judged too, apart: a cold one's growth is the
  // process sizing its memory once (V8's heap, and what is allocated beside it); a gzipped one
  // holds a compressor, whose memory must not grow with the export either.
  const apartTargets = ['cold', 'gzip'].flatMap((kind) =>
    [small, large].flatMap((size) =>
      Object.keys(MEDIA).flatMap((key) => {
        const c = at(size, `${key} (${kind})`)
        return c
          ? [
              `| ${key} (${kind}): ${size} rows, RSS growth ≤ 64 MB | ${c.rssGrowthMb.toFixed(1)} MB | ${verdict(c.rssGrowthMb <= 64)} |`,
            ]
          : []
      }),
    ),
  )
  const targets = Object.keys(MEDIA).flatMap((format) => {
    const s = at(small, format)
    const l = at(large, format)
    if (!s || !l) return []
    const rows = [
      `| ${format}: ${large} rows, RSS growth ≤ 64 MB | ${l.rssGrowthMb.toFixed(1)} MB | ${verdict(l.rssGrowthMb <= 64)} |`,
      `| ${format}: RSS growth ${large} rows within 10% of ${small} rows | ${l.rssGrowthMb.toFixed(1)} vs ${s.rssGrowthMb.toFixed(1)} MB | ${verdict(l.rssGrowthMb <= Math.max(s.rssGrowthMb * 1.1, s.rssGrowthMb + 1))} |`,
    ]
    for (const r of [s, l]) {
      const ratio = r.mbPerSecond / r.inProcessMbPerSecond
      const reach = r.inProcessExportMbPerSecond / r.inProcessMbPerSecond
      rows.push(
        `| ${format}: ${r.size} rows, HTTP MB/s ≥ 0.7× in-process serializer (the same export in process: ${reach.toFixed(2)}×) | ${ratioText(ratio, 0.7)} | ${verdict(ratio >= 0.7)} |`,
      )
    }
    return rows
  })
  return [
    '| rows | format | seed s | MB/s over HTTP | the same export in process MB/s | in-process serializer MB/s | store read alone s | MB | RSS before MB | peak RSS growth MB | RSS after MB | V8 heap after: used / reserved MB | RSS beside V8 heap after MB |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.size.toLocaleString('en')} | ${r.format} | ${r.seedSeconds.toFixed(1)} | ${r.mbPerSecond.toFixed(1)} | ${r.inProcessExportMbPerSecond.toFixed(1)} | ${r.inProcessMbPerSecond.toFixed(1)} | ${r.readSeconds.toFixed(2)} | ${(r.bytes / 1e6).toFixed(1)} | ${r.rssBeforeMb.toFixed(0)} | ${r.rssGrowthMb.toFixed(1)} | ${r.rssAfterMb.toFixed(0)} | ${r.heapUsedMb.toFixed(1)} / ${r.heapTotalMb.toFixed(1)} | ${(r.rssAfterMb - r.heapTotalMb).toFixed(0)} |`,
    ),
    '',
    ...sizes.map((size) => {
      const m = results.find((r) => r.size === size)!.gateway
      return `${size.toLocaleString('en')} contacts: before the first download the gateway's RSS was ${m.startRssMb.toFixed(0)} MB, its V8 heap ${m.startHeapUsedMb.toFixed(1)} / ${m.startHeapTotalMb.toFixed(1)} MB (RSS beside it ${(m.startRssMb - m.startHeapTotalMb).toFixed(0)} MB); after the last download and a full collection, V8's heap holds ${m.keptHeapMb.toFixed(1)} MB.`
    }),
    '',
    ...sizes.map((size) => {
      const warm = results.filter((r) => r.size === size && !r.format.includes(' '))
      const each = warm.map(
        (r) => `${r.format} ${(r.mbPerSecond / r.inProcessExportMbPerSecond).toFixed(2)}×`,
      )
      return `${size.toLocaleString('en')} contacts over HTTP against the same export in process (what the socket and HTTP cost): ${each.join(', ')}.`
    }),
    '',
    ...sizes.map((size) => {
      const warm = results.filter((r) => r.size === size && !r.format.includes(' '))
      const µs = (seconds: number) => ((seconds / size) * 1e6).toFixed(2)
      const each = warm.map((r) => {
        // The event loop's time per contact at which the export would reach 0.7× its serializer.
        const allowed = r.bytes / size / (0.7 * r.inProcessMbPerSecond * 1e6)
        return `${r.format} ${µs(r.cpu.main)} µs on its event loop (busy ${((100 * r.cpu.main) / r.seconds).toFixed(0)}% of the download; 0.7× would allow ${(allowed * 1e6).toFixed(2)} µs) and ${µs(r.cpu.all)} µs on all its threads`
      })
      return `${size.toLocaleString('en')} contacts, the gateway's CPU per contact over HTTP: ${each.join('; ')}.`
    }),
    '',
    ...sizes.map((size) => {
      const each = Object.keys(MEDIA).flatMap((key) => {
        const plain = at(size, key)
        const zipped = at(size, `${key} (gzip)`)
        if (!plain || !zipped) return []
        return [
          `${key} ${(zipped.wireBytes / 1e6).toFixed(1)} MB on the wire for ${(zipped.bytes / 1e6).toFixed(1)} (${(zipped.bytes / zipped.wireBytes).toFixed(1)}× fewer bytes), in ${(zipped.seconds / plain.seconds).toFixed(2)}× the time of the same download uncompressed, ${(zipped.cpu.main / plain.cpu.main).toFixed(2)}× its event loop's time and ${(zipped.cpu.all / plain.cpu.all).toFixed(2)}× its threads' time`,
        ]
      })
      return each.length > 0
        ? `${size.toLocaleString('en')} contacts gzipped (\`Accept-Encoding: gzip\`, the client gunzipping as it reads; no target): ${each.join('; ')}.`
        : ''
    }),
    '',
    '| target | measured | verdict |',
    '|---|---:|---|',
    ...targets,
    ...apartTargets,
  ]
}

if (isMain(import.meta.url)) console.log(exportReport(await benchExports()).join('\n'))
