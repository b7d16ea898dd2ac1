import { createClient } from '@libsql/client'
import { nodeDocsAssets } from '../../src/runtime/node/docs-assets.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { libsqlDatabase } from '../../src/store/libsql.ts'
import { applyMigrations } from '../../src/store/index.ts'
import { type MakeTarget, type MakeUnmigratedTarget, targetOver } from './target.ts'

/** The Node runtime: libSQL (a fresh in-memory database per target). */
export const makeTarget: MakeTarget = async (overrides = {}) => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  await applyMigrations(db, await readMigrations())
  return targetOver('node', db, { docsAssets: nodeDocsAssets(), ...overrides })
}

/** The Node runtime over a fresh in-memory database that lacks migrations. */
export const makeUnmigratedTarget: MakeUnmigratedTarget = async (applied, overrides = {}) => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  const migrations = await readMigrations()
  if (applied === 'allButLast') await applyMigrations(db, migrations.slice(0, -1))
  const target = targetOver('node', db, { docsAssets: nodeDocsAssets(), ...overrides })
  return {
    ...target,
    migrate: async () => {
      await applyMigrations(db, migrations)
    },
  }
}
