import { applyD1Migrations, env, SELF } from 'cloudflare:test'
import { describe, it } from 'vitest'
import { addressPerRequest, assertAnyRequest } from '../support/any-request.ts'

describe('the Worker entry, sent any request', () => {
  it('gets an answer below 500 in the format it names, changes nothing when refused, and never shows a secret', async () => {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
    // Each request from an address of its own (Cloudflare's CF-Connecting-IP): wrong
    // credentials never spend a budget and turn later requests into 429s.
    await assertAnyRequest(
      {
        request: (path, init) => SELF.fetch(`https://gateway.example${path}`, init),
        query: async (sql) => (await env.DB.prepare(sql).all()).results,
        headers: addressPerRequest('CF-Connecting-IP'),
      },
      300,
    )
  }, 60_000)
})
