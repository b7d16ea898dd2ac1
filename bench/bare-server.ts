// The baselines of `bench/http.ts`, each a child process on 127.0.0.1:
// - BARE=node-http: `node:http` answering precomputed JSON bytes (no store, no framework);
// - BARE=hono: bare Hono, `c.json` of the same store read the gateway does (the contacts
//   repository on the database `npm start` opens: one row by id, or a 100-row page with its
//   total; SQLITE_LOCKING=EXCLUSIVE opens it as the gateway does with that setting).
//   WITH adds, for one contact, parts of what the gateway does on top: `headers`, the response
//   the gateway's own `send` makes, with every header a gateway response carries (security
//   headers, CSP, Vary, a new trace id, and the Link header `respond` writes); `auth`, the
//   bearer token checked against ORG_TOKEN as the gateway checks it (SHA-256 of both, compared
//   in constant time).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { CONTACTS, contactPath } from '../src/apis/opencx/paths.ts'
import { secretSet } from '../src/crypto/constant-time.ts'
import { json } from '../src/formats/json.ts'
import { bearerToken } from '../src/helper/bearer.ts'
import { linkHeader } from '../src/helper/respond.ts'
import { send } from '../src/middleware/response-headers.ts'
import { openDatabase } from '../src/runtime/node/database.ts'
import { traceIdOf } from '../src/runtime/ids.ts'
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
  const added = new Set((env.WITH ?? '').split(',').filter(Boolean))
  const app = new Hono()
  app.get('/healthz', (c) => c.json({}))
  if (added.has('auth')) {
    const tokens = secretSet([env.ORG_TOKEN!])
    app.use('/contacts/*', async (c, next) => {
      // The gateway's own parsing of the header, which reads nothing else of its context.
      const token = bearerToken(c as unknown as Parameters<typeof bearerToken>[0])
      if (token === undefined || tokens.match(token) < 0) return c.text('unauthorized', 401)
      await next()
    })
  }
  app.get('/contacts', async (c) => {
    const page = { skip: 0, limit: Number(c.req.query('limit') ?? 25) }
    const { items, total } = await store.list(page)
    return c.json({ items, total, ...page })
  })
  app.get('/contacts/:id', async (c) => {
    const id = c.req.param('id')
    const contact = await store.get(id)
    if (!contact) return c.notFound()
    if (!added.has('headers')) return c.json(contact)
    // The gateway's response path: a trace id, then `send` with the headers `respond` passes.
    const gateway = c as unknown as Parameters<typeof send>[0]
    gateway.set('traceId', traceIdOf())
    return send(gateway, JSON.stringify(contact), 200, {
      'Content-Type': json.contentType('application/json'),
      Link: linkHeader({ self: { href: contactPath(id) }, collection: { href: CONTACTS } }),
    })
  })
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
}
