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
      'SELECT key FROM contact_keys ORDER BY seq, position',
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
 * page order (the contact's seq, migration 0013), and how many contacts hold it.
 */
const FROM_CONTACTS = `SELECT key, seq, position, holders FROM (
  SELECT j.key, c.seq, min(j.id) AS position,
    row_number() OVER (PARTITION BY j.key ORDER BY c.seq) AS nth,
    count(*) OVER (PARTITION BY j.key) AS holders
  FROM contacts c, json_each(c.custom_data) j
  WHERE json_type(c.custom_data) = 'object' AND j.type <> 'null'
  GROUP BY j.key, c.seq) WHERE nth = 1 ORDER BY key`
const KEPT = 'SELECT key, seq, position, holders FROM contact_keys ORDER BY key'
/** `KEPT` before 0013, whose places were a contact's (created_at, id). */
const KEPT_BEFORE_SEQ =
  'SELECT key, created_at, contact_id, position, holders FROM contact_keys ORDER BY key'

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
    // a and b numbered in their (created_at, id) order: 1 and 2.
    expect(kept).toMatchObject([
      { key: 'x', seq: 1, holders: 2 },
      { key: 'y', seq: 2, holders: 1 },
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
    expect(await db.all(KEPT_BEFORE_SEQ)).toMatchObject([
      { key: 'k', contact_id: 'a', holders: 2 },
      { key: 'n', contact_id: 'a', holders: 2 },
      { key: 'x', contact_id: 'b', holders: 1 },
    ])
    await applyMigrations(db, await readMigrations())
    // a, b and c numbered 1, 2 and 3.
    expect(await db.all(KEPT)).toMatchObject([
      { key: 'k', seq: 2, holders: 1 },
      { key: 'x', seq: 2, holders: 1 },
    ])
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
    // A value that becomes null is a key dropped; one that stops being null, a key gained.
    await db.batch([
      { sql: `UPDATE contacts SET custom_data = '{"x":null,"k":2}' WHERE id = 'b'`, params: [] },
      { sql: `UPDATE contacts SET custom_data = '{"n":3}' WHERE id = 'c'`, params: [] },
    ])
    expect(await db.all(KEPT)).toMatchObject([
      { key: 'k', seq: 2, holders: 1 },
      { key: 'n', seq: 3, holders: 1 },
    ])
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
  })

  it('moves a key on even from a place a seq changed by hand left behind', async () => {
    const db = await migrated()
    await db.batch([
      insertContact('a', '2025-01-02', '{"k":1}'),
      insertContact('b', '2025-01-03', '{"k":2}'),
      // b now comes first, but k's place stays a's.
      { sql: `UPDATE contacts SET seq = 0 WHERE id = 'b'`, params: [] },
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

describe('migration 0013 and seq, the order rows were stored', () => {
  const insertUser = (id: string, createdAt: string) => ({
    sql: `INSERT INTO alexa_users (id, created_at, last_changed, created_by, last_changed_by,
      access_token, refresh_token) VALUES (?, ?, ?, 'u', 'u', 'x', 'y')`,
    params: [id, createdAt, createdAt],
  })
  const seqs = async (db: Awaited<ReturnType<typeof migrated>>, table: string) =>
    (await db.all<{ id: string; seq: number }>(`SELECT id, seq FROM ${table} ORDER BY seq`)).map(
      (r) => `${r.id}:${r.seq}`,
    )

  it('numbers the rows stored before it in their old page order, then each new one next', async () => {
    const db = await migrated('0013')
    // Stored in another order than their (created_at, id): b2 and b1 share a millisecond.
    await db.batch([
      insertContact('c', '2025-01-03', null),
      insertContact('b2', '2025-01-02', '{"k":1}'),
      insertContact('a', '2025-01-01', null),
      insertContact('b1', '2025-01-02', null),
      insertUser('y', '2025-01-02'),
      insertUser('x', '2025-01-01'),
    ])
    await applyMigrations(db, await readMigrations())
    expect(await seqs(db, 'contacts')).toEqual(['a:1', 'b1:2', 'b2:3', 'c:4'])
    expect(await seqs(db, 'alexa_users')).toEqual(['x:1', 'y:2'])
    expect(await db.all('SELECT name, n FROM row_seqs ORDER BY name')).toEqual([
      { name: 'alexa_users', n: 2 },
      { name: 'contacts', n: 4 },
    ])
    expect(await db.all(KEPT)).toMatchObject([{ key: 'k', seq: 3, holders: 1 }])
    // A row stored now comes after every one, whatever its created_at says.
    await db.batch([insertContact('early', '2024-01-01', '{"k":2}'), insertUser('w', '2024-01-01')])
    expect((await seqs(db, 'contacts')).at(-1)).toBe('early:5')
    expect((await seqs(db, 'alexa_users')).at(-1)).toBe('w:3')
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
  })

  it('numbers an empty database from 1', async () => {
    const db = await migrated()
    await db.batch([insertUser('a', '2025-01-01'), insertContact('c', '2025-01-01', null)])
    expect(await seqs(db, 'alexa_users')).toEqual(['a:1'])
    expect(await seqs(db, 'contacts')).toEqual(['c:1'])
  })

  it('never gives a number again, not even the last one after its row is deleted', async () => {
    const db = await migrated()
    await db.batch([insertUser('a', '2025-01-01'), insertUser('b', '2025-01-01')])
    await db.batch([{ sql: `DELETE FROM alexa_users WHERE id = 'b'`, params: [] }])
    await db.batch([insertUser('c', '2025-01-01')])
    expect(await seqs(db, 'alexa_users')).toEqual(['a:1', 'c:3'])
    await db.batch([insertContact('p', '2025-01-01', null), insertContact('q', '2025-01-01', null)])
    await db.batch([{ sql: `DELETE FROM contacts WHERE id = 'q'`, params: [] }])
    await db.batch([insertContact('r', '2025-01-01', null)])
    expect(await seqs(db, 'contacts')).toEqual(['p:1', 'r:3'])
  })

  it('goes on numbering past a seq set by hand beyond the counter, instead of refusing inserts', async () => {
    const db = await migrated()
    await db.batch([insertUser('a', '2025-01-01'), insertContact('p', '2025-01-01', null)])
    await db.batch([
      { sql: `UPDATE alexa_users SET seq = 2 WHERE id = 'a'`, params: [] },
      { sql: `UPDATE contacts SET seq = 2 WHERE id = 'p'`, params: [] },
    ])
    await db.batch([insertUser('b', '2025-01-01'), insertContact('q', '2025-01-01', null)])
    await db.batch([insertUser('c', '2025-01-01'), insertContact('r', '2025-01-01', null)])
    expect(await seqs(db, 'alexa_users')).toEqual(['a:2', 'b:3', 'c:4'])
    expect(await seqs(db, 'contacts')).toEqual(['p:2', 'q:3', 'r:4'])
  })

  it('keeps the seq of a contact an upsert updates, and fires no count or keys trigger numbering a row', async () => {
    const db = await migrated()
    await db.batch([insertContact('a', '2025-01-01', '{"k":1}')])
    await db.batch([
      {
        sql: `INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
          VALUES ('dup', 'a@x.org', 'a@x.org', '{"k":2,"m":1}', '2025-01-02', '2025-01-02')
          ON CONFLICT (email_key) DO UPDATE SET custom_data = excluded.custom_data`,
        params: [],
      },
    ])
    expect(await seqs(db, 'contacts')).toEqual(['a:1'])
    expect(await db.all('SELECT name, n FROM row_seqs WHERE name = ?', ['contacts'])).toEqual([
      { name: 'contacts', n: 1 },
    ])
    expect(await db.all('SELECT n FROM row_counts WHERE name = ?', ['contacts'])).toEqual([
      { n: 1 },
    ])
    expect(await db.all(KEPT)).toEqual(await db.all(FROM_CONTACTS))
  })
})
