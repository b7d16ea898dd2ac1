import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { TEST_ENV } from './test/support/deterministic.ts'

const jsonReport = process.env.VITEST_JSON_REPORT
const target = (file: string) => ({
  '#target': fileURLToPath(new URL(`./test/support/${file}`, import.meta.url)),
})
const migrations = await readD1Migrations('migrations')
// Property tests explore new inputs on every local run; CI replays one fixed seed (or FC_SEED)
// so a landing never depends on the luck of the draw. A failure prints its seed to replay it.
// Both projects get it (`test/support/fast-check-seed.ts` applies it): the Node one in its
// environment, workerd's as a binding, which `nodejs_compat` puts in `process.env`.
const fcSeed = process.env.FC_SEED ?? (process.env.CI ? '20261123' : undefined)
const seeded = fcSeed === undefined ? {} : { FC_SEED: fcSeed }

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
          env: seeded,
          provide: { fcSeed },
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
              bindings: {
                ...TEST_ENV,
                ...seeded,
                NODE_ENV: 'development',
                TEST_MIGRATIONS: migrations,
              },
              // For tests only: a database they leave unmigrated, apart from the shared `DB`.
              d1Databases: { UNMIGRATED_DB: 'unmigrated' },
            },
          }),
        ],
        resolve: { alias: target('workers-target.ts') },
        test: {
          name: 'workers',
          setupFiles: ['test/support/fast-check-seed.ts'],
          provide: { fcSeed },
          include: ['test/http/**/*.test.ts', 'test/workers/**/*.test.ts'],
        },
      },
    ],
  },
})
