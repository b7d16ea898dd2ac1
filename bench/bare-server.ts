// The baselines of `bench/http.ts`, each a child process on 127.0.0.1:
// - BARE=node-http: `node:http` answering precomputed JSON bytes (no store, no framework);
// - BARE=hono: bare Hono, `c.json` of the same store read the gateway does (the contacts
//   repository on the database `npm start` opens: one row by id, or a 100-row page with its
//   total; SQLITE_LOCKING=EXCLUSIVE opens it as the gateway does with that setting).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { openDatabase } from '../src/runtime/node/database.ts'
import { contacts } from '../src/store/contacts.ts'

const env = process.env
const port = Number(env.PORT)

if (env.BARE === 'node-http') {
  const bodies = JSON.parse(readFileSync(env.BODIES!, 'utf8')) as Record<string, string>
  const bytes = new Map(Object.entries(bodies).map(([path, body]) => [path, Buffer.from(body)]))
  createServer((req, res) => {
    const body = req.url === '/healthz' ? Buffer.from('{}') : bytes.get(req.url ?? '')
    if (!body) return res.writeHead(404).end()
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': body.length,
    })
    res.end(body)
  }).listen(port, '127.0.0.1')
} else {
  const locking = env.SQLITE_LOCKING === 'EXCLUSIVE' ? 'EXCLUSIVE' : 'NORMAL'
  const { db } = await openDatabase({ url: env.DATABASE_URL!, locking })
  const store = contacts(db)
  const app = new Hono()
  app.get('/healthz', (c) => c.json({}))
  app.get('/contacts', async (c) => {
    const page = { skip: 0, limit: Number(c.req.query('limit') ?? 25) }
    const { items, total } = await store.list(page)
    return c.json({ items, total, ...page })
  })
  app.get('/contacts/:id', async (c) => {
    const contact = await store.get(c.req.param('id'))
    return contact ? c.json(contact) : c.notFound()
  })
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
}
