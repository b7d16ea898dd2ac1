// `npm run bench`: serializers in-process, then HTTP, then bench/RESULTS.md with the machine,
// the tables, the ratios and PASS/MISS per target. BENCH_SKIP_HTTP=1 skips HTTP and exports;
// BENCH_SKIP_EXPORTS=1 skips the exports only.
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { benchExports, EXPORT_SIZES, exportReport } from './exports.ts'
import { benchHttp } from './http.ts'
import { type Measured, rateOf, ROUNDS } from './measure.ts'
import { benchSerializers } from './serializers.ts'

interface Target {
  label: string
  ratio: number
  goal: number
}

const ratio = (results: Measured[], group: string, a: string, b: string, goal: number): Target => ({
  label: `${group}: ${a} / ${b} ≥ ${goal}`,
  ratio: rateOf(results, group, a) / rateOf(results, group, b),
  goal,
})

const fmt = (n: number) => Math.round(n).toLocaleString('en')

const table = (results: Measured[], unit: string, withBytes: boolean): string[] => [
  `| group | variant | ${unit} (median) | range | ${withBytes ? 'MB/s | bytes |' : ''}`,
  `|---|---|---:|---:|${withBytes ? '---:|---:|' : ''}`,
  ...results.map(
    (m) =>
      `| ${m.group} | ${m.name} | ${fmt(m.median)} | ${fmt(m.min)}–${fmt(m.max)} |${withBytes ? ` ${m.mbPerSecond!.toFixed(1)} | ${m.bytes} |` : ''}`,
  ),
]

const verdicts = (targets: Target[]): string[] => [
  '| target | measured | verdict |',
  '|---|---:|---|',
  ...targets.map(
    (t) => `| ${t.label} | ${t.ratio.toFixed(2)}× | ${t.ratio >= t.goal ? 'PASS' : 'MISS'} |`,
  ),
]

const serializers = benchSerializers()
const serializerTargets = ['Contact', 'AmazonUser'].flatMap((model) => [
  ratio(serializers, model, 'csv', 'JSON.stringify', 0.5),
  ratio(serializers, model, 'xml', 'JSON.stringify', 0.5),
])
const lines = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}.`,
  `Every figure is the median of ${ROUNDS} rounds in which the variants alternate; the range is the slowest and fastest round.`,
  '',
  '## Serializers, in-process (10,000-item collection page)',
  '',
  'Time includes counting the UTF-8 bytes, which flattens strings built by concatenation as sending them would.',
  'Papa.unparse gets rows already flattened by hand; XMLBuilder gets the items as they are.',
  '',
  ...table(serializers, 'items/s', true),
  '',
  ...verdicts(serializerTargets),
  '',
]

if (!process.env.BENCH_SKIP_HTTP) {
  const http = await benchHttp()
  const one = 'one resource'
  const page = '100-item page'
  const httpTargets = [
    ratio(http, one, 'gateway json', 'hono c.json', 0.9),
    ratio(http, one, 'gateway hal', 'gateway json', 0.95),
    ratio(http, page, 'gateway hal', 'gateway json', 0.95),
    ratio(http, one, 'gateway xml', 'gateway json', 0.85),
    ratio(http, one, 'gateway csv', 'gateway json', 0.85),
    ratio(http, page, 'gateway xml', 'gateway json', 0.6),
    ratio(http, page, 'gateway csv', 'gateway json', 0.6),
  ]
  lines.push(
    '## HTTP (autocannon in-process, servers in child processes, 127.0.0.1)',
    '',
    `\`GET /contacts/{id}\` and \`GET /contacts?limit=100\` with the organisation token; ${process.env.BENCH_CONNECTIONS ?? 10} connections, ${process.env.BENCH_SECONDS ?? 2} s per round. node:http serves the gateway's JSON bytes from memory; bare Hono does the same store read (the contacts repository on the same libSQL file) and \`c.json\`.`,
    '',
    ...table(http, 'req/s', false),
    '',
    ...verdicts(httpTargets),
    '',
  )
}

if (!process.env.BENCH_SKIP_HTTP && !process.env.BENCH_SKIP_EXPORTS) {
  lines.push(
    '## Exports (`GET /contacts/export` over HTTP, gateway in a child process)',
    '',
    `${EXPORT_SIZES.map((n) => n.toLocaleString('en')).join(' and ')} contacts (BENCH_EXPORT_SIZES) seeded through SQL into the gateway's libSQL file, each format downloaded once and consumed as a stream. Peak RSS growth: the child's VmRSS (/proc, every 20 ms) during the download minus just before it; the first export after start (json (cold)) also pays V8 growing its heap to its working size once, so the targets judge the warm downloads that follow it. In-process: the same format's serializer on a 10,000-contact page of the same rows, without the store read.`,
    '',
    ...exportReport(await benchExports()),
    '',
  )
}

writeFileSync(new URL('./RESULTS.md', import.meta.url), `${lines.join('\n')}`)
console.log(lines.join('\n'))
