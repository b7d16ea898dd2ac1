import { applyD1Migrations, env } from 'cloudflare:test'
import { workersDocsAssets } from '../../src/runtime/workers/docs-assets.ts'
import { d1Database } from '../../src/store/d1.ts'
import { type MakeTarget, targetOver } from './target.ts'

/** The Workers runtime: this test runs inside workerd, on a local D1 emptied per target. */
export const makeTarget: MakeTarget = async (overrides = {}) => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
  ).all<{ name: string }>()
  for (const { name } of results) await env.DB.prepare(`DELETE FROM "${name}"`).run()
  return targetOver('workers', d1Database(env.DB), { docsAssets: workersDocsAssets, ...overrides })
}
