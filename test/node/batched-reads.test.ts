import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/runtime/node/database.ts'
import { readMigrations } from '../../src/runtime/node/migrations.ts'
import { contacts } from '../../src/store/contacts.ts'
import { type RowKey, pageOf, parseRows } from '../../src/store/page.ts'
import { applyMigrations } from '../../src/store/migrate.ts'
import type { SqlDatabase, SqlValue } from '../../src/store/sql.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * A migrated database holding `small` contacts of about 400 characters of JSON, then `large`
 * ones of about 24,000, in page order (`c00000`, `c00001`, …).
 */
const seeded = async (small: number, large: number) => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-export-'))
  const { db, close } = await openDatabase({ url: `file:${join(dir, 'test.db')}` })
  cleanups.push(async () => (close(), rm(dir, { recursive: true, force: true })))
  await applyMigrations(db, await readMigrations())
  const insert = (from: number, to: number, size: number) =>
    db.all(`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to - 1})
      INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
      SELECT printf('c%05d', i), 'u' || i || '@example.com', 'u' || i || '@example.com',
        json_object('note', printf('%.*c', ${size}, 'x')),
        printf('2025-01-01T00:00:%02d.000Z', i / 1000), printf('2025-01-01T00:00:%02d.000Z', i / 1000)
      FROM n`)
  await insert(0, small, 300)
  if (large) await insert(small, small + large, 24_000)
  return db
}

/** `db`, with the length of every text it returned recorded (negative: refused as too big). */
const recording = (db: SqlDatabase, texts: number[], limit = Infinity): SqlDatabase => ({
  ...db,
  first: async (sql, params) => {
    const row = await db.first<{ rows: string | null }>(sql, params)
    // Only the texts of rows: not the keys a batch ends at.
    if (!row || !('rows' in row)) return row as never
    const length = row?.rows?.length ?? 0
    // As D1 does past its value limit (2,000,000 bytes), here at `limit` characters.
    if (length > limit) {
      texts.push(-length)
      throw new Error('D1_ERROR: string or blob too big: SQLITE_TOOBIG')
    }
    texts.push(length)
    return row as never
  },
})

const readAll = async (db: SqlDatabase) => {
  const next = contacts(db).exportReader()
  const ids: string[] = []
  for (;;) {
    const { items, end } = await next()
    ids.push(...items.map((c) => c.id))
    if (end) return { ids }
  }
}

const numbered = (n: number) =>
  Array.from({ length: n }, (_, i) => `c${String(i).padStart(5, '0')}`)

describe('contacts.exportReader', () => {
  it('reads every contact once, in page order, in batches of at most about 60,000 characters', async () => {
    const db = await seeded(3000, 300)
    const texts: number[] = []
    const { ids } = await readAll(recording(db, texts))
    expect(ids).toEqual(numbered(3300))
    // The first batch reads 100; each next one is sized from the last one's rows: small
    // contacts fill about 60,000 characters; the batches that first meet the large ones
    // overshoot, until the size has adapted to them (two a batch).
    expect(texts.slice(1, 6).every((length) => length > 45_000 && length <= 62_500)).toBe(true)
    expect(texts.filter((length) => length > 72_500).length).toBeLessThanOrEqual(2)
    expect(texts.slice(-5).every((length) => length <= 62_500)).toBe(true)
  })

  it('reads batches of about 480,000 characters where each query is a round trip (D1, a libSQL server)', async () => {
    const db = await seeded(3000, 0)
    const texts: number[] = []
    const { manyRowsAsText: _, ...remote } = recording(db, texts)
    const { ids } = await readAll(remote)
    expect(ids).toEqual(numbered(3000))
    // 100 first, then as many as fit: about 1,200 of these contacts a batch.
    expect(texts.length).toBe(4)
    expect(texts.slice(1, 3).every((length) => length > 400_000 && length <= 500_000)).toBe(true)
  })

  it('reads a batch again smaller when the database refuses it as too big', async () => {
    const db = await seeded(10, 300)
    for (const ranged of [false, true]) {
      const texts: number[] = []
      const refusing = recording(db, texts, 1_000_000)
      const next = contacts(refusing, ranged ? { bulkReads: refusing } : {}).exportReader()
      const ids: string[] = []
      for (let batch = await next(); ; batch = await next()) {
        ids.push(...batch.items.map((c) => c.id))
        if (batch.end) break
      }
      expect(ids).toEqual(numbered(310))
      expect(texts.filter((length) => length < 0).length).toBeGreaterThan(0)
      expect(Math.max(...texts)).toBeLessThanOrEqual(1_000_000)
    }
  })

  it('passes on any other failure', async () => {
    const db = await seeded(10, 0)
    const failing: SqlDatabase = {
      ...db,
      first: async () => {
        throw new Error('disk I/O error')
      },
    }
    await expect(contacts(failing).exportReader()()).rejects.toThrow('disk I/O error')
  })

  it('asks for the next batches before this one is parsed: their ends on db, their rows on bulkReads', async () => {
    const db = await seeded(3000, 0)
    const log: string[] = []
    const logged = (name: string, into: SqlDatabase): SqlDatabase => ({
      ...into,
      first: (sql, params) => {
        log.push(`${name} ${sql.includes('AS rows') ? 'rows' : 'end'}`)
        return into.first(sql, params)
      },
    })
    const next = contacts(logged('db', db), { bulkReads: logged('bulk', db) }).exportReader()
    expect((await next()).items).toHaveLength(100)
    // The first batch alone, while its size is unknown.
    expect(log).toEqual(['db end', 'bulk rows'])
    log.length = 0
    const second = await next()
    // Then two at a time: the one returned, and the next, already being read.
    expect(log).toEqual(['db end', 'bulk rows', 'db end', 'bulk rows'])
    log.length = 0
    const third = await next()
    expect(log).toEqual(['db end', 'bulk rows'])
    expect(third.items[0]!.id > second.items.at(-1)!.id).toBe(true)
  })

  it.each([
    ['by keyset paging', (_: SqlDatabase) => ({})],
    ['by ranges read ahead', (db: SqlDatabase) => ({ bulkReads: db })],
  ])(
    'reads every contact that stays once, in page order, whatever is written between batches (%s)',
    async (_, options) => {
      const db = await seeded(3000, 0)
      const next = contacts(db, options(db)).exportReader()
      const ids: string[] = []
      const insert = (id: string, at: string) =>
        db.all(`INSERT INTO contacts (id, email, email_key, created_at, updated_at)
        VALUES ('${id}', '${id}@x.org', '${id}@x.org', '${at}', '${at}')`)
      for (let round = 0; ; round++) {
        const { items, end } = await next()
        ids.push(...items.map((c) => c.id))
        if (end) break
        // Stored after every row the reader has passed, whatever its createdAt says (read, in
        // the order stored), and a row gone before the reader gets there.
        const r = String(round).padStart(3, '0')
        await insert(`early${r}`, '2024-01-01T00:00:00.000Z')
        await insert(`late${r}`, '2026-01-01T00:00:00.000Z')
        if (round < 5) await db.all(`DELETE FROM contacts WHERE id = 'c0299${round}'`)
      }
      const rounds = ids.filter((id) => id.startsWith('late')).length
      expect(rounds).toBeGreaterThan(3)
      const removed = new Set(Array.from({ length: 5 }, (_, r) => `c0299${r}`))
      expect(ids.filter((id) => id.startsWith('c'))).toEqual(
        numbered(3000).filter((id) => !removed.has(id)),
      )
      // Every row stored during the export, the last batch's rows stored before it ended.
      expect(ids.slice(-2 * rounds)).toEqual(
        Array.from({ length: rounds }, (_, r) => {
          const n = String(r).padStart(3, '0')
          return [`early${n}`, `late${n}`]
        }).flat(),
      )
    },
  )

  it('says the collection ends with a batch that read fewer rows than it asked for', async () => {
    const db = await seeded(5, 0)
    const next = contacts(db).exportReader()
    const first = await next()
    expect(first.items.map((c) => c.id)).toEqual(numbered(5))
    expect(first.end).toBe(true)
  })
})

describe('pageOf', () => {
  const COLUMNS = 'id, email, custom_data, created_at'
  const page = (db: SqlDatabase, skip: number, limit: number) =>
    pageOf(db, 'contacts', COLUMNS, { skip, limit }, (row: { id: string }) => row.id)

  // Seeded in page order, one statement: `c00000` was stored first, seq 1.
  const at = (id: string) => Number(id.slice(1)) + 1

  it('reads a page as one text, in page order, with the total, whether rows follow and precede, and its ends', async () => {
    const db = await seeded(250, 0)
    expect(await page(db, 100, 100)).toEqual({
      items: numbered(200).slice(100),
      total: 250,
      more: true,
      earlier: true,
      start: at('c00100'),
      end: at('c00199'),
    })
    expect(await page(db, 150, 100)).toMatchObject({
      items: numbered(250).slice(150),
      more: false,
      end: at('c00249'),
    })
    expect(await page(db, 0, 100)).toMatchObject({ more: true, earlier: false })
    expect(await page(db, 300, 100)).toEqual({
      items: [],
      total: 250,
      more: false,
      earlier: true,
      start: undefined,
      end: undefined,
    })
  })

  it('reads the page after a row and the page before one (keyset) as the pages at their places, as text or row by row', async () => {
    const db = await seeded(250, 0)
    const rowsDriver: SqlDatabase = { ...db, manyRowsAsText: false }
    for (const driver of [db, rowsDriver]) {
      const byKey = (key: { after: RowKey } | { before: RowKey }) =>
        pageOf(
          driver,
          'contacts',
          COLUMNS,
          { skip: 0, limit: 30, ...key },
          (r: { id: string }) => r.id,
        )
      // Forwards from the first page, then backwards from the last, each page the offset one.
      const pages = [await page(driver, 0, 30)]
      for (let skip = 30; skip < 250; skip += 30) {
        const next = await byKey({ after: pages.at(-1)!.end! })
        expect(next).toMatchObject({ ...(await page(driver, skip, 30)), earlier: true })
        pages.push(next)
      }
      for (let i = pages.length - 2; i >= 0; i--) {
        const prev = await byKey({ before: pages[i + 1]!.start! })
        expect(prev.items).toEqual(pages[i]!.items)
        expect(prev).toMatchObject({ more: true, earlier: i > 0, start: pages[i]!.start })
      }
      // Fewer rows than a page before the key: those there are.
      expect((await byKey({ before: at('c00010') })).items).toEqual(numbered(10))
      expect(await byKey({ after: at('c00249') })).toMatchObject({ items: [], more: false })
      expect(await byKey({ before: at('c00000') })).toMatchObject({ items: [], earlier: false })
    }
  })

  it('puts rows in page order whatever order SQLite joined them in', async () => {
    const db = await seeded(50, 0)
    const reversed: SqlDatabase = {
      ...db,
      first: async (sql, params) => {
        const row = await db.first<{ rows: string | null }>(sql, params)
        if (!row?.rows) return row as never
        // The rows reversed; the marker `rowsAsText` ends the text with stays last.
        const rows = JSON.parse(row.rows) as unknown[]
        const marker = rows.pop()
        return { rows: JSON.stringify([...rows.reverse(), marker]) } as never
      },
    }
    expect((await page(reversed, 10, 20)).items).toEqual(numbered(30).slice(10))
  })

  it('gets pages and export batches as text V8 holds two bytes a character, whose values JSON.parse does not intern', async () => {
    const db = await seeded(250, 0)
    const texts: string[] = []
    const keeping: SqlDatabase = {
      ...db,
      first: async (sql, params) => {
        const row = await db.first<{ rows: string | null }>(sql, params)
        if (row?.rows) texts.push(row.rows)
        return row as never
      },
    }
    await page(keeping, 0, 100)
    await readAll(keeping)
    expect(texts.length).toBeGreaterThan(1)
    // One character past Latin-1 makes the whole string two-byte.
    for (const text of texts) expect(text).toMatch(/[^\u0000-\u00ff]/)
  })

  it('refuses a rows text without its end marker rather than read it one row short', () => {
    expect(parseRows('[["a"],["b"],"\u0100"]')).toEqual([['a'], ['b']])
    expect(() => parseRows('[["a"],["b"]]')).toThrow(/end marker/)
  })

  it('reads rows one by one from a driver that does not prefer text (D1)', async () => {
    const db = await seeded(30, 0)
    expect(db.manyRowsAsText).toBe(true)
    const asked: string[] = []
    const rowsDriver: SqlDatabase = {
      all: (sql, params) => (asked.push(sql), db.all(sql, params)),
      first: (sql, params) => (asked.push(sql), db.first(sql, params)),
      batch: (statements) => db.batch(statements),
    }
    expect(await page(rowsDriver, 10, 5)).toMatchObject({
      items: numbered(15).slice(10),
      total: 30,
    })
    expect(asked.some((sql) => sql.includes('json_array'))).toBe(false)
  })

  it('reads row by row a page the database refuses as one text', async () => {
    const db = await seeded(10, 100)
    const texts: number[] = []
    expect(await page(recording(db, texts, 1_000_000), 0, 100)).toMatchObject({
      items: numbered(100),
      total: 110,
    })
    expect(texts.filter((length) => length < 0)).toHaveLength(1)
  })
})

describe('query plans', () => {
  it('reads pages, export batches and their ends in seq order on an index, never a scan and a sort', async () => {
    const db = await seeded(300, 0)
    const asked = new Map<string, readonly SqlValue[]>()
    const recorded: SqlDatabase = {
      ...db,
      all: (sql, params = []) => (asked.set(sql, params), db.all(sql, params)),
      first: (sql, params = []) => (asked.set(sql, params), db.first(sql, params)),
    }
    for (const driver of [recorded, { ...recorded, manyRowsAsText: false }]) {
      const store = contacts(driver)
      const page = await store.list({ skip: 10, limit: 5 })
      await store.list({ skip: 0, limit: 5, after: page.end })
      await store.list({ skip: 0, limit: 5, before: page.start })
    }
    for (const next of [
      contacts(recorded).exportReader(),
      contacts(recorded, { bulkReads: recorded }).exportReader(),
    ])
      for (let batch = await next(); !batch.end; batch = await next());
    for await (const _ of contacts(recorded).columnSamples());
    const ordered = [...asked].filter(([sql]) => /FROM contacts\b[^)]*ORDER BY seq/.test(sql))
    // Pages three ways, row by row and as text; keyset batches; ranged batches and their ends;
    // the overrides the CSV header reads.
    expect(ordered.length).toBeGreaterThanOrEqual(12)
    for (const [sql, params] of ordered) {
      const plan = (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map(
        (row) => row.detail,
      )
      expect(plan.join('\n'), sql).toMatch(
        /(SCAN|SEARCH) contacts USING (COVERING )?INDEX contacts_(seq|with_overrides)\b/,
      )
      expect(plan.join('\n'), sql).not.toMatch(/TEMP B-TREE|SCAN contacts$/m)
    }
  })
})
