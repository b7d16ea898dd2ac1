import { createClient } from '@libsql/client'
import { createApp } from '../../src/app/create-app.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { libsqlDatabase } from '../../src/store/libsql.ts'
import { applyMigrations, createStore } from '../../src/store/index.ts'
import { testDeps } from './deterministic.ts'
import type { MakeTarget } from './target.ts'

/** The Node runtime: libSQL (a fresh in-memory database per target). */
export const makeTarget: MakeTarget = async (overrides = {}) => {
  const client = createClient({ url: ':memory:' })
  const db = libsqlDatabase(client)
  await applyMigrations(db, await readMigrations())
  const { deps, clock, logger, codeSender } = testDeps(createStore(db), overrides)
  const app = createApp(deps)
  return {
    runtime: 'node',
    request: async (path, init) => app.request(path, init),
    clock,
    logger,
    codeSender,
    query: (sql) => db.all(sql),
  }
}
