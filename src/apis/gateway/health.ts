import type { Endpoint } from '../../app/types.ts'
import { probeMigrated } from '../../helper/migration-state.ts'
import { respond } from '../../helper/respond.ts'
import { Health } from '../../model/gateway.ts'

/**
 * `GET /healthz`: 200 when the database answers and has the latest migration; a 503 problem
 * when not (an unavailable store via onError). A database the migrations were never applied
 * to answers, but every route on it would fail: a health check that says "ok" then would let
 * a deployment go live broken. The 503 is the one every route that uses the store answers
 * meanwhile (`whenMigrated`), logged once until the database is migrated; unlike them, every
 * probe asks the database.
 */
export const health: Endpoint = {
  method: 'GET',
  path: '/healthz',
  name: 'health',
  title: 'Health of the gateway and its database',
  response: Health,
  // It asks the database itself, on every probe, and answers its 503 as a problem.
  store: 'inHandler',
  handler: async (c) => {
    await probeMigrated(c)
    const value = { status: 'ok', database: 'ok', time: c.get('deps').clock().toISOString() }
    return respond(c, Health, value, {
      links: { self: { href: '/healthz' } },
      headers: { 'Cache-Control': 'no-store' },
    })
  },
}
