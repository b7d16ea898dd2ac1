import { createClient } from '@libsql/client'
import { nodeDocsAssets } from '../../src/runtime/node/docs-assets.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { libsqlDatabase } from '../../src/store/libsql.ts'
import { applyMigrations } from '../../src/store/index.ts'
import { type MakeTarget, targetOver } from './target.ts'

/** The Node runtime: libSQL (a fresh in-memory database per target). */
export const makeTarget: MakeTarget = async (overrides = {}) => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  await applyMigrations(db, await readMigrations())
  return targetOver('node', db, { docsAssets: nodeDocsAssets(), ...overrides })
}
