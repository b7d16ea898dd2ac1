import { createClient } from '@libsql/client'
import { describe, it } from 'vitest'
import { addressPerRequest, assertAnyRequest } from '../support/any-request.ts'
import { serveOnFile } from '../support/node-server.ts'

describe('the Node server, sent any request', () => {
  it('gets an answer below 500 in the format it names, changes nothing when refused, and never shows a secret', async () => {
    // Behind one trusted proxy, each request comes from an address of its own: wrong
    // credentials never spend a budget and turn later requests into 429s.
    const server = await serveOnFile({ trustProxyHops: 1 })
    const db = createClient({ url: server.databaseUrl })
    try {
      await assertAnyRequest(
        {
          request: (path, init) => fetch(server.base + path, init),
          query: async (sql) => (await db.execute(sql)).rows.map((row) => ({ ...row })),
          headers: addressPerRequest('X-Forwarded-For'),
        },
        300,
      )
    } finally {
      db.close()
      await server.close()
    }
  }, 60_000)
})
