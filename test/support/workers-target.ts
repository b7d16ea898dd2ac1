import { applyD1Migrations, env } from 'cloudflare:test'
import { workersDocsAssets } from '../../src/runtime/workers/docs-assets.ts'
import { d1Database } from '../../src/store/d1.ts'
import { type MakeTarget, type MakeUnmigratedTarget, targetOver } from './target.ts'

const TABLES =
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'"

/** The Workers runtime: this test runs inside workerd, on a local D1 emptied per target. */
export const makeTarget: MakeTarget = async (overrides = {}) => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  const { results } = await env.DB.prepare(`${TABLES} AND name <> 'd1_migrations'`).all<{
    name: string
  }>()
  for (const { name } of results) await env.DB.prepare(`DELETE FROM "${name}"`).run()
  return targetOver('workers', d1Database(env.DB), { docsAssets: workersDocsAssets, ...overrides })
}

/**
 * The Workers runtime over `UNMIGRATED_DB`, a second D1 the tests alone bind: its tables are
 * dropped per target, so `DB`, which the file's other tests share, keeps its schema.
 */
export const makeUnmigratedTarget: MakeUnmigratedTarget = async (applied, overrides = {}) => {
  const db = env.UNMIGRATED_DB
  const { results } = await db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type = 'table'",
    )
    .all<{ type: string; name: string }>()
  await db.batch([
    db.prepare('PRAGMA defer_foreign_keys = on'),
    ...results.map(({ type, name }) => db.prepare(`DROP ${type.toUpperCase()} "${name}"`)),
  ])
  if (applied === 'allButLast') await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, -1))
  const target = targetOver('workers', d1Database(db), {
    docsAssets: workersDocsAssets,
    ...overrides,
  })
  return { ...target, migrate: () => applyD1Migrations(db, env.TEST_MIGRATIONS) }
}
