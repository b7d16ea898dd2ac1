import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Migration } from '../../store/migrate.ts'

/**
 * The project's `migrations/` folder — the same files wrangler applies to D1. A path, not a
 * URL's `pathname`, which keeps characters percent-encoded (a checkout in `My Projects/`).
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))

/**
 * Reads `*.sql` migrations from a folder, sorted by name.
 *
 * @example
 * await readMigrations(MIGRATIONS_DIR) // [{ name: '0001_alexa_users.sql', sql: 'CREATE …' }]
 */
export const readMigrations = async (dir: string = MIGRATIONS_DIR): Promise<Migration[]> => {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort()
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })),
  )
}
