import { type SqlDatabase, sql } from './sql.ts'

export interface Migration {
  /** File name, e.g. `0001_alexa_users.sql`; the order of application. */
  name: string
  sql: string
}

// The same bookkeeping table wrangler uses for D1 (`wrangler d1 migrations apply`), so a
// database migrated by either tool is recognised by the other.
const TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`

/**
 * The newest migration in `migrations/`, which the code's queries need: `/healthz` answers
 * 503 until the database has it. A Worker has no folder to read it from; a test keeps this
 * equal to the last file there.
 */
export const LATEST_MIGRATION = '0013_page_order_seq.sql'

/**
 * Splits a migration file into statements (no semicolons inside string literals here). A
 * `CREATE TRIGGER … BEGIN …; …; END` is one statement, its body's semicolons included.
 *
 * @example
 * statements('CREATE TABLE t (a); CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;')
 * // ['CREATE TABLE t (a)', 'CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END']
 */
export const statements = (text: string): string[] => {
  const out: string[] = []
  let trigger: string | undefined
  for (const piece of text.replace(/--[^\n]*/g, '').split(';')) {
    const part = piece.trim()
    if (trigger !== undefined) {
      trigger += `; ${part}`
      if (/^END$/i.test(part)) {
        out.push(trigger)
        trigger = undefined
      }
    } else if (/^CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(part)) trigger = part
    else if (part) out.push(part)
  }
  if (trigger !== undefined) throw new Error(`unterminated trigger: ${trigger.slice(0, 60)}…`)
  return out
}

const recorded = async (db: SqlDatabase): Promise<Set<string>> =>
  new Set((await db.all<{ name: string }>('SELECT name FROM d1_migrations')).map((r) => r.name))

/**
 * Applies the migrations not yet recorded in `d1_migrations`, each in one transaction with its
 * record, so an interrupted start never leaves a half-applied file. Two processes starting on
 * one database at once may both find a migration missing: the one whose transaction fails
 * because the other applied it first (its table exists, its record is there) goes on.
 *
 * @example
 * await applyMigrations(db, await readMigrations('migrations')) // ['0001_alexa_users.sql']
 */
export const applyMigrations = async (
  db: SqlDatabase,
  migrations: readonly Migration[],
): Promise<string[]> => {
  await db.batch([sql(TABLE)])
  let done = await recorded(db)
  const applied: string[] = []
  for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
    if (done.has(m.name)) continue
    try {
      await db.batch([
        ...statements(m.sql).map((s) => sql(s)),
        sql('INSERT INTO d1_migrations (name) VALUES (?)', m.name),
      ])
    } catch (error) {
      done = await recorded(db)
      if (done.has(m.name)) continue
      throw error
    }
    applied.push(m.name)
  }
  return applied
}
