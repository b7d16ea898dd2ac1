import type { Endpoint } from '../../app/types.ts'
import { respond } from '../../helper/respond.ts'
import { Health } from '../../model/gateway.ts'
import { RETRY_AFTER_SECONDS } from '../../problems/on-error.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { LATEST_MIGRATION } from '../../store/index.ts'

/**
 * `GET /healthz`: 200 when the database answers and has the latest migration; a 503 problem
 * when not (an unavailable store via onError). A database the migrations were never applied
 * to answers, but every route on it would fail: a health check that says "ok" then would let
 * a deployment go live broken.
 */
// The apps (by their deps) that logged their database as not migrated: a load balancer probes
// every few seconds, and the log says it once until the database is migrated.
const reported = new WeakSet<object>()

export const health: Endpoint = {
  method: 'GET',
  path: '/healthz',
  name: 'health',
  title: 'Health of the gateway and its database',
  response: Health,
  handler: async (c) => {
    const deps = c.get('deps')
    const { store, logger, clock } = deps
    if (!(await store.migrated())) {
      if (!reported.has(deps)) {
        reported.add(deps)
        logger.error('database not migrated', {
          traceId: c.get('traceId'),
          latestMigration: LATEST_MIGRATION,
        })
      }
      throw new ProblemError(
        'serviceUnavailable',
        `The database does not have the latest migration (${LATEST_MIGRATION}): apply the ` +
          'migrations/ folder to it (on Workers: wrangler d1 migrations apply DB --remote).',
        {
          headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
          details: { retryAfterSeconds: RETRY_AFTER_SECONDS },
        },
      )
    }
    reported.delete(deps)
    const value = { status: 'ok', database: 'ok', time: clock().toISOString() }
    return respond(c, Health, value, {
      links: { self: { href: '/healthz' } },
      headers: { 'Cache-Control': 'no-store' },
    })
  },
}
