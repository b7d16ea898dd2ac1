import type { Endpoint } from '../../app/types.ts'
import { respond } from '../../helper/respond.ts'
import { Health } from '../../model/gateway.ts'

/** `GET /healthz`: 200 when the database answers; a 503 problem (via onError) when not. */
export const health: Endpoint = {
  method: 'GET',
  path: '/healthz',
  name: 'health',
  title: 'Health of the gateway and its database',
  response: Health,
  handler: async (c) => {
    await c.get('deps').store.ping()
    const value = { status: 'ok', database: 'ok', time: c.get('deps').clock().toISOString() }
    return respond(c, Health, value, {
      links: { self: { href: '/healthz' } },
      headers: { 'Cache-Control': 'no-store' },
    })
  },
}
