/// <reference types="vite/client" />
// `import.meta.glob` (fixtures) comes from Vite's client types.
// Bindings the Workers test project provides (see vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    DB: D1Database
    /** A second D1 for tests of a database without the latest migration. */
    UNMIGRATED_DB: D1Database
    TEST_MIGRATIONS: import('@cloudflare/vitest-plugin').D1Migration[]
    API_KEYS: string
    ORG_TOKENS: string
    TOKEN_SECRET: string
    ENCRYPTION_KEY: string
  }
}
