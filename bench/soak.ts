// `npm run soak`: the Node server under sustained mixed load, then a read-back of every write.
// Fails (exit 1) on any unexpected answer, any lost write, or RSS growth beyond the bound.
// Settings (environment): SOAK_REQUESTS (20000), SOAK_CONNECTIONS (32), SOAK_SECONDS (180),
// SOAK_RSS_MB (64). Listens on 127.0.0.1 only, on a temp database.
import { Agent, request } from 'node:http'
import { rssMb, startGateway } from './server-process.ts'
import { percentile, stepAt, type Step, USERS } from './soak-workload.ts'

const env = process.env
const TOTAL = Number(env.SOAK_REQUESTS ?? 20_000)
const CONNECTIONS = Number(env.SOAK_CONNECTIONS ?? 32)
const DEADLINE = Date.now() + Number(env.SOAK_SECONDS ?? 180) * 1000
const RSS_BOUND_MB = Number(env.SOAK_RSS_MB ?? 64)
const WARMUP = 1000

// `startGateway` waits for /healthz; the client below starts counting after that.
const gateway = await startGateway()
const { port, apiKey: API_KEY, server, stop } = gateway

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
interface Answer {
  status: number
  type: string
  location: string
  total: string
  body: string
}
const send = (step: Pick<Step, 'method' | 'path' | 'headers' | 'body'>) =>
  new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: step.method,
        path: step.path,
        headers: step.headers,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            location: String(res.headers.location ?? ''),
            total: String(res.headers['x-total-count'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(step.body)
  })

const ids: string[] = []
const rssSamples: string[] = []
const latencies: number[] = []
const errors: string[] = []
let next = 0
let rssStart = 0
const rssBoot = rssMb(server.pid!)
const started = performance.now()
const drive = async () => {
  while (next < TOTAL && Date.now() < DEADLINE) {
    const n = next++
    if (n === WARMUP) rssStart = rssMb(server.pid!)
    if (n % Math.ceil(TOTAL / 10) === 0) rssSamples.push(rssMb(server.pid!).toFixed(0))
    const step = stepAt(n, API_KEY, ids)
    const t0 = performance.now()
    try {
      const answer = await send(step)
      latencies.push(performance.now() - t0)
      if (answer.status !== step.status || !answer.type.startsWith(step.contentType)) {
        errors.push(
          `${step.method} ${step.path} → ${answer.status} ${answer.type} ${answer.body.slice(0, 200)}`,
        )
      } else if (step.write) ids.push(answer.location.split('/').at(-1)!)
    } catch (error) {
      errors.push(`${step.method} ${step.path} → ${String(error)}`)
    }
  }
}
await Promise.all(Array.from({ length: CONNECTIONS }, drive))
const seconds = (performance.now() - started) / 1000
const rssEnd = rssMb(server.pid!)
rssStart ||= rssBoot

// Read-back: every 201's id must be there, and the total must equal the number of 201s.
const headers = { 'X-API-Key': API_KEY, Accept: 'application/json' }
const missing: string[] = []
for (let i = 0; i < ids.length; i += CONNECTIONS) {
  await Promise.all(
    ids.slice(i, i + CONNECTIONS).map(async (id) => {
      const answer = await send({ method: 'GET', path: `${USERS}/${id}`, headers })
      const found = answer.status === 200 && (JSON.parse(answer.body) as { _id: string })._id
      if (found !== id) missing.push(id)
    }),
  )
}
const total = Number((await send({ method: 'GET', path: `${USERS}?limit=1`, headers })).total)
const lost = missing.length + Math.abs(total - ids.length)
stop()
agent.destroy()

const sorted = latencies.sort((a, b) => a - b)
const growth = rssEnd - rssStart
const ms = (p: number) => `${percentile(sorted, p).toFixed(2)} ms`
console.log(
  [
    `requests      ${next} of ${TOTAL} in ${seconds.toFixed(1)} s (${Math.round(next / seconds)} req/s, ${CONNECTIONS} connections)${next < TOTAL ? ' — stopped at SOAK_SECONDS' : ''}`,
    `writes        ${ids.length} created (JSON, XML, CSV, form), read back: ${ids.length - missing.length}, collection total: ${total}`,
    `errors        ${errors.length}`,
    `lost writes   ${lost}`,
    `latency       p50 ${ms(0.5)}, p99 ${ms(0.99)}, max ${ms(1)}`,
    `server RSS    boot ${rssBoot.toFixed(1)} MB, after ${WARMUP} requests ${rssStart.toFixed(1)} MB, end ${rssEnd.toFixed(1)} MB (growth ${growth.toFixed(1)} MB, bound ${RSS_BOUND_MB} MB)`,
    `RSS by tenths ${rssSamples.join(' → ')} MB`,
  ].join('\n'),
)
for (const error of errors.slice(0, 10)) console.log(`  error: ${error}`)
const ok = errors.length === 0 && lost === 0 && growth <= RSS_BOUND_MB && next >= TOTAL
console.log(ok ? 'PASS' : 'FAIL')
process.exit(ok ? 0 : 1)
