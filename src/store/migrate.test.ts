import { createClient } from '@libsql/client'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readMigrations } from '../runtime/node/migrations.ts'
import { libsqlDatabase } from './libsql.ts'
import { applyMigrations, LATEST_MIGRATION, statements } from './migrate.ts'
import type { SqlValue } from './sql.ts'

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

describe('applyMigrations', () => {
  it('knows the newest migration of migrations/ as LATEST_MIGRATION (what /healthz checks)', async () => {
    expect((await readMigrations()).at(-1)!.name).toBe(LATEST_MIGRATION)
  })

  it('goes on past a migration another process applied after it looked', async () => {
    const db = libsqlDatabase(createClient({ url: ':memory:' }))
    const all = await readMigrations()
    await applyMigrations(db, all)
    // As a second gateway starting at the same moment sees it: nothing recorded yet when it
    // looks, every migration there by the time it applies one.
    let looked = false
    const late = {
      ...db,
      all: <T>(text: string, params?: readonly SqlValue[]) =>
        text.includes('FROM d1_migrations') && !looked
          ? ((looked = true), Promise.resolve([] as T[]))
          : db.all<T>(text, params),
    }
    expect(await applyMigrations(late, all)).toEqual([])
    expect(await db.all('SELECT count(*) AS n FROM d1_migrations')).toEqual([{ n: all.length }])
  })

  it('still fails on a migration that fails for any other reason', async () => {
    const db = libsqlDatabase(createClient({ url: ':memory:' }))
    await expect(
      applyMigrations(db, [{ name: '0001_bad.sql', sql: 'CREATE TABLE t (a); SELECT nope' }]),
    ).rejects.toThrow(/nope/)
    expect(await db.all('SELECT name FROM d1_migrations')).toEqual([])
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

/**
 * `contact_keys` as the contacts give it: each key whose value is not null, at its first place in
 * page order, and how many contacts hold it.
 */
const FROM_CONTACTS = `SELECT key, created_at, contact_id, position, holders FROM (
  SELECT j.key, c.created_at, c.id AS contact_id, min(j.id) AS position,
    row_number() OVER (PARTITION BY j.key ORDER BY c.created_at, c.id) AS nth,
    count(*) OVER (PARTITION BY j.key) AS holders
  FROM contacts c, json_each(c.custom_data) j
  WHERE json_type(c.custom_data) = 'object' AND j.type <> 'null'
  GROUP BY j.key, c.created_at, c.id) WHERE nth = 1 ORDER BY key`
const KEPT = 'SELECT key, created_at, contact_id, position, holders FROM contact_keys ORDER BY key'

const migrated = async (upTo = '9999') => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  await applyMigrations(
    db,
    (await readMigrations()).filter((m) => m.name < upTo),
  )
  return db
}

const insertContact = (id: string, createdAt: string, customData: string | null) => ({
  sql: `INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?)`,
  params: [id, `${id}@x.org`, `${id}@x.org`, customData, createdAt, createdAt],
})

describe('migrations 0006 and 0007 and contact_keys', () => {
  it('rebuilds the keys from the contacts: none that no contact has, each at its first place', async () => {
    const db = await migrated('0006')
    await db.batch([
      insertContact('a', '2025-01-01', '{"y":1,"x":1}'),
      insertContact('b', '2025-01-02', '{"x":2,"y":2,"w":2}'),
    ])
    // Under 0004's triggers, a drops y (which stays at a's place) and b drops w (which stays).
    await db.batch([
      { sql: `UPDATE contacts SET custom_data = '{"x":1}' WHERE id = 'a'`, params: [] },
      { sql: `UPDATE contacts SET custom_data = '{"x":2,"y":2}' WHERE id = 'b'`, params: [] },
    ])
    const keys = await db.all<{ key: string }>('SELECT key FROM contact_keys ORDER BY key')
    expect(keys.map((k) => k.key)).toEqual(['w', 'x', 'y'])
    await applyMigrations(db, await readMigrations())
    const kept = await db.all(KEPT)
    expect(kept).toEqual(await db.all(FROM_CONTACTS))
    expect(kept).toMatchObject([
      { key: 'x', contact_id: 'a', holders: 2 },
      { key: 'y', contact_id: 'b', holders: 1 },
    ])
  })

  it('lists no key whose value is null, and 0007 drops those 0006 listed', async () => {
    const db = await migrated('0007')
    await db.batch([
      insertContact('a', '2025-01-01', '{"n":null,"k":null}'),
      insertContact('b', '2025-01-02', '{"x":1,"k":2}'),
      insertContact('c', '2025-01-03', '{"n":null}'),
    ])
    // 0006 counts null values: n is listed, and k is placed at a, where only null is.
    expect(await db.all(KEPT)).toMatchObject([
      { key: 'k', contact_id: 'a', holders: 2 },
      { key: 'n', contact_id: 'a', holders: 2 },
      { key: 'x', contact_id: 'b', holders: 1 },
    ])
    await applyMigrations(db, await readMigrations())
    expect(await db.all(KEPT)).toMatchObject([
      { key: 'k', contact_id: 'b', holders: 1 },
      { key: 'x', contact_id: 'b', holders: 1 },
    ])
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
    // A value that becomes null is a key dropped; one that stops being null, a key gained.
    await db.batch([
      { sql: `UPDATE contacts SET custom_data = '{"x":null,"k":2}' WHERE id = 'b'`, params: [] },
      { sql: `UPDATE contacts SET custom_data = '{"n":3}' WHERE id = 'c'`, params: [] },
    ])
    expect(await db.all(KEPT)).toMatchObject([
      { key: 'k', contact_id: 'b', holders: 1 },
      { key: 'n', contact_id: 'c', holders: 1 },
    ])
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
  })

  it('moves a key on even from a place a created_at changed by hand left behind', async () => {
    const db = await migrated()
    await db.batch([
      insertContact('a', '2025-01-02', '{"k":1}'),
      insertContact('b', '2025-01-03', '{"k":2}'),
      // b now comes first, but k's place stays a's.
      { sql: `UPDATE contacts SET created_at = '2025-01-01' WHERE id = 'b'`, params: [] },
    ])
    // a drops k: nothing holds it past a's place, so the scan starts again from the first.
    await db.batch([{ sql: `UPDATE contacts SET custom_data = '{}' WHERE id = 'a'`, params: [] }])
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
    await db.batch([{ sql: `DELETE FROM contacts WHERE id = 'b'`, params: [] }])
    expect(await db.all(KEPT)).toEqual([])
  })

  it('stays what the contacts give through any inserts, updates and deletes', async () => {
    const customData = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.dictionary(
          fc.constantFrom('a', 'b', 'c', '', 'x"y', 'é', '10', '2'),
          fc.option(fc.nat(9), { nil: null, freq: 4 }),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(null, [1, 2], 'text') },
    )
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert'), day: fc.integer({ min: 1, max: 4 }), customData }),
      fc.record({ kind: fc.constant('update'), pick: fc.nat(), customData }),
      fc.record({ kind: fc.constant('delete'), pick: fc.nat() }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const db = await migrated()
        const ids: string[] = []
        for (const [i, o] of ops.entries()) {
          const text =
            'customData' in o && o.customData !== null ? JSON.stringify(o.customData) : null
          if (o.kind === 'insert') {
            ids.push(`c${i}`)
            await db.batch([insertContact(`c${i}`, `2025-01-0${o.day}`, text)])
          } else if (ids.length > 0) {
            const id = ids[o.pick % ids.length]!
            if (o.kind === 'delete') ids.splice(ids.indexOf(id), 1)
            await db.batch([
              o.kind === 'delete'
                ? { sql: 'DELETE FROM contacts WHERE id = ?', params: [id] }
                : { sql: 'UPDATE contacts SET custom_data = ? WHERE id = ?', params: [text, id] },
            ])
          }
          expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
        }
      }),
      { numRuns: 60 },
    )
  })
})
