import { createClient } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import { readMigrations } from '../runtime/node/migrations.ts'
import { libsqlDatabase } from './libsql.ts'
import { applyMigrations, statements } from './migrate.ts'

describe('statements', () => {
  it('splits on semicolons, leaving comments and blanks out', () => {
    expect(
      statements('-- note; not a statement\nCREATE TABLE a (x);\n\nCREATE INDEX i ON a (x);'),
    ).toEqual(['CREATE TABLE a (x)', 'CREATE INDEX i ON a (x)'])
  })

  it('keeps a trigger whole, its body included', () => {
    const text = `CREATE TABLE a (x);
      create temp trigger t after insert on a when new.x > 0
      BEGIN
        INSERT INTO b VALUES (new.x);
        DELETE FROM c;
      end;
      CREATE TABLE z (y);`
    const split = statements(text)
    expect(split).toHaveLength(3)
    expect(split[1]).toMatch(
      /^create temp trigger t .*INSERT INTO b VALUES \(new\.x\); DELETE FROM c; end$/s,
    )
    expect(split[2]).toBe('CREATE TABLE z (y)')
  })

  it('refuses a trigger that never ends rather than running half of it', () => {
    expect(() => statements('CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;')).toThrow(
      /unterminated trigger/,
    )
  })
})

describe('migrations 0004 and 0005 on a database with contacts', () => {
  it('list the keys of the contacts written before them, in first-seen page order, and count them', async () => {
    const db = libsqlDatabase(createClient({ url: ':memory:' }))
    const all = await readMigrations()
    const before = all.filter((m) => m.name < '0004')
    expect(await applyMigrations(db, before)).toEqual(before.map((m) => m.name))
    await db.batch([
      {
        sql: `INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at) VALUES
          ('b', 'b@x.org', 'b@x.org', '{"c":1,"a":2}', '2025-01-02', '2025-01-02'),
          ('a', 'a@x.org', 'a@x.org', '{"b":1,"c":2}', '2025-01-01', '2025-01-01'),
          ('n', 'n@x.org', 'n@x.org', '[1,2]', '2025-01-00', '2025-01-00')`,
        params: [],
      },
    ])
    await applyMigrations(db, all)
    const keys = await db.all<{ key: string }>(
      'SELECT key FROM contact_keys ORDER BY created_at, contact_id, position',
    )
    expect(keys.map((k) => k.key)).toEqual(['b', 'c', 'a'])
    expect(await db.all('SELECT name, n FROM row_counts ORDER BY name')).toEqual([
      { name: 'alexa_users', n: 0 },
      { name: 'contacts', n: 3 },
    ])
  })
})
