import { applyD1Migrations, env } from 'cloudflare:test'
import { createApp } from '../../src/app/create-app.ts'
import { d1Database } from '../../src/store/d1.ts'
import { createStore } from '../../src/store/index.ts'
import { testDeps } from './deterministic.ts'
import type { MakeTarget } from './target.ts'

const TABLES = ['alexa_users']

/** The Workers runtime: this test runs inside workerd, on a local D1. */
export const makeTarget: MakeTarget = async (overrides = {}) => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  for (const table of TABLES) await env.DB.prepare(`DELETE FROM ${table}`).run()
  const db = d1Database(env.DB)
  const { deps, clock, logger, codeSender } = testDeps(createStore(db), overrides)
  const app = createApp(deps)
  return {
    runtime: 'workers',
    request: async (path, init) => app.request(path, init),
    clock,
    logger,
    codeSender,
    query: (sql) => db.all(sql),
  }
}
