import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { TEST_ENV } from './test/support/deterministic.ts'

const jsonReport = process.env.VITEST_JSON_REPORT
const target = (file: string) => ({
  '#target': fileURLToPath(new URL(`./test/support/${file}`, import.meta.url)),
})
const migrations = await readD1Migrations('migrations')

// Two projects, one suite: the HTTP tests in test/http run on Node (libSQL) and inside workerd
// (D1), each importing its runtime's `#target`.
export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    projects: [
      {
        resolve: { alias: target('node-target.ts') },
        test: {
          name: 'node',
          environment: 'node',
          setupFiles: ['test/support/fast-check-seed.ts'],
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/workers/**'],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // As `npm run dev` runs the Worker: codes go to the log, not to a webhook.
            miniflare: {
              bindings: { ...TEST_ENV, NODE_ENV: 'development', TEST_MIGRATIONS: migrations },
              // For tests only: a database they leave unmigrated, apart from the shared `DB`.
              d1Databases: { UNMIGRATED_DB: 'unmigrated' },
            },
          }),
        ],
        resolve: { alias: target('workers-target.ts') },
        test: {
          name: 'workers',
          include: ['test/http/**/*.test.ts', 'test/workers/**/*.test.ts'],
        },
      },
    ],
  },
})
