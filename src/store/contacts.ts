import type { Contact, ContactFields } from '../model/contact.ts'
import { textOfHex } from './sqlite-text.ts'
import { isTooBig, type SqlDatabase, type SqlValue, first, sql } from './sql.ts'
import {
  type ExportBatch,
  inPageOrder,
  type Page,
  type PageOf,
  pageOf,
  parseRows,
  rowsAsText,
} from './page.ts'

/** Model members stored as columns; the JSON ones as JSON text. */
const MEMBERS = [
  { key: 'email', column: 'email', json: false },
  { key: 'name', column: 'name', json: false },
  { key: 'avatar_url', column: 'avatar_url', json: false },
  { key: 'phone', column: 'phone', json: false },
  { key: 'language', column: 'language', json: false },
  { key: 'customData', column: 'custom_data', json: true },
  { key: 'chat_context', column: 'chat_context', json: false },
  { key: 'http_action_overrides', column: 'http_action_overrides', json: true },
] as const satisfies readonly { key: keyof ContactFields; column: string; json: boolean }[]

type Row = Record<(typeof MEMBERS)[number]['column'], string | null> & {
  id: string
  created_at: string
  updated_at: string
}

const SELECTED = ['id', ...MEMBERS.map((m) => m.column), 'created_at', 'updated_at']
const COLUMNS = SELECTED.join(', ')

/**
 * One statement per identity, so concurrent requests for one new contact cannot both insert:
 * the unique index decides, the loser updates the winner's row. A member the request leaves
 * out keeps its stored value (`coalesce`); `created_at` and the id never change.
 */
const upsert = (target: string) => `
  INSERT INTO contacts (${COLUMNS}, email_key)
  VALUES (${[...SELECTED, 'email_key'].map(() => '?').join(', ')})
  ON CONFLICT ${target} DO UPDATE SET
    ${MEMBERS.map((m) => `${m.column} = coalesce(excluded.${m.column}, ${m.column})`).join(', ')},
    updated_at = excluded.updated_at
  RETURNING id`

const BY_EMAIL = upsert('(email_key)')
const BY_PHONE = upsert('(phone) WHERE email_key IS NULL')

const toModel = (row: Row): Contact => {
  const contact: Record<string, unknown> = { id: row.id }
  for (const m of MEMBERS) {
    const text = row[m.column]
    // JSON `null` (stored by hand) is absent, as SQL NULL is, and as `AS_ARRAY` reads both.
    const value = text !== null && m.json ? JSON.parse(text) : text
    if (value !== null) contact[m.key] = value
  }
  contact.createdAt = row.created_at
  contact.updatedAt = row.updated_at
  return contact as Contact
}

// A row as one JSON array, JSON members as JSON values (`json(…)`), so one `JSON.parse` reads it;
// last its `seq`, the batch's place in page order, which the model leaves out.
const AS_ARRAY = `json_array(${SELECTED.map((c) => (MEMBERS.some((m) => m.json && m.column === c) ? `json(${c})` : c)).join(', ')}, seq)`
/** Where `AS_ARRAY` puts `seq`. */
const SEQ_CELL = SELECTED.length

/** `toModel` of a row read through `AS_ARRAY`: the same members in the same order. */
const fromArray = (cells: readonly unknown[]): Contact => {
  const contact: Record<string, unknown> = { id: cells[0] }
  for (let i = 0; i < MEMBERS.length; i++) {
    const value = cells[i + 1]
    if (value !== null) contact[MEMBERS[i]!.key] = value
  }
  contact.createdAt = cells[SEQ_CELL - 2]
  contact.updatedAt = cells[SEQ_CELL - 1]
  return contact as Contact
}

/**
 * How large an export batch is: the characters of JSON text it aims at, and the contacts it
 * holds at most (about as many typical ones as fit). Larger batches cost fewer queries.
 *
 * - In the process (libSQL's native driver on a file, `manyRowsAsText`) a query costs little,
 *   but V8 keeps a string over 128 KB in its large-object space, which costs several times as
 *   much per byte to create: a batch stays just under that, at two bytes a character, as
 *   `rowsAsText` makes it. At 120,000 characters 1,000,000 contacts went out 7% slower and grew
 *   the process by 45–51 MB instead of 18–20 (V8's young generation fixed at 2 × 16 MiB for
 *   both, as for `rowsAsText`'s figures); at 30,000, 3% slower.
 * - Elsewhere (D1, a libSQL server) each query is a round trip. On `wrangler dev`, batches of
 *   480,000 characters exported 100,000 contacts 25–35% faster than 120,000, and 960,000 only
 *   2–5% faster again. D1's limit on a value, 2,000,000 bytes, stays out of reach of typical
 *   contacts (at most 3 UTF-8 bytes a character, 1 for most); a batch that passes it is read
 *   again smaller.
 */
const batchSize = (db: SqlDatabase) =>
  db.manyRowsAsText ? { chars: 60_000, rows: 500 } : { chars: 480_000, rows: 2000 }
/** Contacts in the first batch, read before their size is known. */
const FIRST_ROWS = 100

/**
 * The next `limit` contacts after the `seq` given (keyset paging on the `contacts_seq` index)
 * as one JSON text of row arrays (`json_array` per row, joined by `rowsAsText`).
 */
const exportBatchSql = (after: boolean) =>
  rowsAsText(`SELECT ${AS_ARRAY} AS r FROM contacts
    ${after ? 'WHERE seq > ?' : ''} ORDER BY seq LIMIT ?`)
const FIRST_BATCH = exportBatchSql(false)
const NEXT_BATCH = exportBatchSql(true)

/** Where a batch of the export ends: a contact's place in page order. */
interface BatchKey {
  seq: number
}

/**
 * The key of the contact `offset` rows past the one given (or past the start) in page order:
 * the last of a batch of `offset + 1`. Read from the `contacts_seq` index alone.
 */
const batchEndSql = (after: boolean) => `SELECT seq FROM contacts
  ${after ? 'WHERE seq > ?' : ''} ORDER BY seq LIMIT 1 OFFSET ?`
const FIRST_BATCH_END = batchEndSql(false)
const NEXT_BATCH_END = batchEndSql(true)

/**
 * The contacts after one key and up to another, inclusive, in page order, as one JSON text of
 * row arrays (`json_array` per row, joined by `rowsAsText`); either end may be open. Indexed
 * by [after given][up to given].
 */
const BATCHES = [false, true].map((from) =>
  [false, true].map((to) => {
    const bounds = [...(from ? ['seq > ?'] : []), ...(to ? ['seq <= ?'] : [])]
    const where = bounds.length > 0 ? `WHERE ${bounds.join(' AND ')}` : ''
    return rowsAsText(`SELECT ${AS_ARRAY} AS r FROM contacts ${where} ORDER BY seq`)
  }),
)

/** Batches `rangedBatches` asks for before the one being read is parsed. */
const READ_AHEAD = 2

/** Contacts with overrides read per query while the CSV export chooses its columns. */
const OVERRIDES_BATCH = 500
// Both read through the partial indexes of migration 0008: only the contacts that match.
const overridesSql = (after: boolean) => `SELECT seq, http_action_overrides AS value
  FROM contacts WHERE http_action_overrides IS NOT NULL
  ${after ? 'AND seq > ?' : ''} ORDER BY seq LIMIT ?`
const FIRST_OVERRIDES = overridesSql(false)
const NEXT_OVERRIDES = overridesSql(true)
const CUSTOM_DATA_NOT_OBJECT = `SELECT custom_data AS value FROM contacts
  WHERE json_type(custom_data) NOT IN ('object', 'null') LIMIT 1`

/** The contacts of a batch's text (`rowsAsText`), in page order, and the last one's `seq`. */
const contactsOf = (rows: string): { items: Contact[]; last: number | undefined } => {
  const cells = inPageOrder(parseRows<unknown[]>(rows), (row) => row[SEQ_CELL] as number)
  return { items: cells.map(fromArray), last: cells.at(-1)?.[SEQ_CELL] as number | undefined }
}

/** How many contacts the next batch asks for, from the size of the last one's. */
const nextLimit = (size: ReturnType<typeof batchSize>, rows: string, count: number) =>
  Math.max(1, Math.min(size.rows, Math.floor(size.chars / (rows.length / count))))

/**
 * Keyset paging: each batch is the `limit` contacts after the last one read, one query each.
 * Where reads take turns on one connection (D1 over one binding, libSQL's synchronous driver),
 * the caller's own read-ahead (`exportStream` asks for the next batch before it writes this
 * one) is all there is to gain.
 */
const keysetBatches = (db: SqlDatabase): (() => Promise<ExportBatch<Contact>>) => {
  const size = batchSize(db)
  let after: number | undefined
  let limit = FIRST_ROWS
  const read = async (): Promise<{ rows: string | null } | undefined> => {
    try {
      return await db.first(
        after !== undefined ? NEXT_BATCH : FIRST_BATCH,
        after !== undefined ? [after, limit] : [limit],
      )
    } catch (error) {
      // D1 refuses a value over 2,000,000 bytes, which a batch of unusually large contacts
      // passes before the batch size has adapted to them.
      if (limit === 1 || !isTooBig(error)) throw error
      limit = Math.ceil(limit / 8)
      return read()
    }
  }
  return async () => {
    const batch = await read()
    // No rows: group_concat is NULL, and so is the concatenation.
    if (!batch?.rows) return { items: [], end: true }
    const asked = limit
    const { items, last } = contactsOf(batch.rows)
    // Fewer rows than asked for: the table ends here.
    const end = items.length < asked
    after = last
    limit = nextLimit(size, batch.rows, items.length)
    return { items, end }
  }
}

/**
 * Ranges of keys: the key a batch ends at is looked up on `db` (`batchEndSql`, the
 * `contacts_seq` index alone), and its rows are read on `bulk`, from the key before to that
 * one. So the next batch can be asked for before this one's rows are parsed, and `bulk` reads
 * `READ_AHEAD` batches ahead of the one being written: on Node, a connection whose reads run
 * off the event loop (`sqliteReads`). The ranges still cover every contact once, as keyset
 * paging does, whatever is written meanwhile.
 */
const rangedBatches = (
  db: SqlDatabase,
  bulk: SqlDatabase,
): (() => Promise<ExportBatch<Contact>>) => {
  const size = batchSize(bulk)
  let limit = FIRST_ROWS
  // Whether a batch has come back, so `limit` has the size of real rows.
  let sized = false
  // Where the next batch to ask for starts (after this key), and whether the last was asked.
  let from: BatchKey | undefined
  let asked = false
  const queue: {
    from: BatchKey | undefined
    limit: number
    text: Promise<{ rows: string | null } | undefined>
  }[] = []
  const ask = async () => {
    const to = await db.first<BatchKey>(
      from ? NEXT_BATCH_END : FIRST_BATCH_END,
      from ? [from.seq, limit - 1] : [limit - 1],
    )
    const bounds = [...(from ? [from.seq] : []), ...(to ? [to.seq] : [])]
    const text = bulk.first<{ rows: string | null }>(BATCHES[from ? 1 : 0]![to ? 1 : 0]!, bounds)
    // Awaited in turn; one dropped for a read again smaller is never awaited.
    text.catch(() => undefined)
    queue.push({ from, limit, text })
    from = to
    asked = to === undefined
  }
  return async () => {
    for (;;) {
      while (!asked && queue.length < (sized ? READ_AHEAD : 1)) await ask()
      const batch = queue.shift()!
      let read: { rows: string | null } | undefined
      try {
        read = await batch.text
      } catch (error) {
        if (batch.limit === 1 || !isTooBig(error)) throw error
        // Read again from where it started, smaller, and the batches asked for after it too.
        limit = Math.ceil(batch.limit / 8)
        from = batch.from
        asked = false
        queue.length = 0
        continue
      }
      const end = asked && queue.length === 0
      // No rows (the range emptied meanwhile, or the table): group_concat is NULL.
      if (!read?.rows) return { items: [], end }
      const { items } = contactsOf(read.rows)
      sized = true
      limit = nextLimit(size, read.rows, items.length)
      return { items, end }
    }
  }
}

/**
 * open.cx contacts on any `SqlDatabase`.
 *
 * Identity rule: a request with an email names the contact with that email, compared
 * case-insensitively (`email_key` is its lower-case form); a request with only a phone names
 * the contact that has that phone and no email. A request with an email never lands on a
 * phone-only contact, so the outcome never depends on which request came first.
 */
export interface ContactsOptions {
  /**
   * A connection of its own for the text of an export's batches (the costly part), read ahead
   * of the one being written (`rangedBatches`). On Node, a second connection whose reads run
   * on libSQL's own threads (`sqliteReads`), so that SQLite reads the next batches while this
   * one is parsed and written. Without it, batches are read by keyset paging on `db`.
   */
  bulkReads?: SqlDatabase
}

export const contacts = (db: SqlDatabase, { bulkReads }: ContactsOptions = {}) => ({
  /**
   * Creates or updates the contact the fields identify and returns its id.
   *
   * @example
   * await contacts(db).upsert({ email: 'Ann@example.com' }, { newId: 'c1', now }) // 'c1'
   * await contacts(db).upsert({ email: 'ann@example.com', name: 'Ann' }, { newId: 'c2', now }) // 'c1'
   */
  async upsert(fields: ContactFields, meta: { newId: string; now: string }): Promise<string> {
    const emailKey = fields.email?.toLowerCase() ?? null
    if (emailKey === null && fields.phone === undefined)
      throw new Error('a contact needs an email or a phone')
    const values: SqlValue[] = MEMBERS.map((m) => {
      const value = fields[m.key]
      if (value === undefined) return null
      return m.json ? JSON.stringify(value) : (value as string)
    })
    // INSERT … RETURNING goes through `all`: it is one atomic statement that yields a row.
    const [row] = await db.all<{ id: string }>(emailKey === null ? BY_PHONE : BY_EMAIL, [
      meta.newId,
      ...values,
      meta.now,
      meta.now,
      emailKey,
    ])
    if (!row) throw new Error('upsert returned no row')
    return row.id
  },

  async get(id: string): Promise<Contact | undefined> {
    const row = await first<Row>(db, sql(`SELECT ${COLUMNS} FROM contacts WHERE id = ?`, id))
    return row && toModel(row)
  },

  /** A page in stable order (the order stored) and the total, read together (`pageOf`). */
  list(page: Page): Promise<PageOf<Contact>> {
    return pageOf(db, 'contacts', COLUMNS, page, toModel)
  },

  /**
   * Every contact, a batch at a time, in page order (the order stored): each call of the
   * reader returns the next batch and whether the collection ends with it. SQLite writes the
   * whole batch as one JSON array of row arrays, read back with one `JSON.parse`: crossing
   * from the driver to JavaScript once per batch instead of once per row and cell is what
   * makes a large export fast (about 1.6× for one column per row, and again as much for one
   * row per batch). Each batch costs the same however deep it is, on the `contacts_seq`
   * index: keyset paging (`keysetBatches`), or, with `bulkReads`, ranges of keys read two
   * ahead on that connection (`rangedBatches`).
   *
   * Batches aim at `batchSize`'s characters of text: the first reads `FIRST_ROWS`, each later
   * one as many rows as fit at the size the last batch read had (at most its rows). A batch
   * SQLite refuses as too big (D1 caps a value at 2,000,000 bytes; contacts can be tens of KB
   * each) is read again an eighth the size.
   *
   * @example
   * const next = contacts(db).exportReader()
   * const { items, end } = await next() // the first contacts; `end`: no more after them
   */
  exportReader(): () => Promise<ExportBatch<Contact>> {
    return bulkReads ? rangedBatches(db, bulkReads) : keysetBatches(db)
  },

  /**
   * Besides customData's keys (`customDataKeys`), the members of contacts that add columns to
   * a CSV of every contact, a batch at a time: a customData that is not an object (an array or
   * a scalar, stored by hand; one is enough, it is one column), then every
   * `http_action_overrides`, in page order (the keys of its dictionaries are columns). Each is
   * read through an index of just those contacts, so contacts without them cost nothing.
   *
   * @example
   * for await (const batch of contacts(db).columnSamples()) for (const s of batch) columns.add(s)
   */
  async *columnSamples(): AsyncGenerator<Partial<Contact>[]> {
    const odd = await db.first<{ value: string }>(CUSTOM_DATA_NOT_OBJECT)
    if (odd) yield [{ customData: JSON.parse(odd.value) as Contact['customData'] }]
    let after: BatchKey | undefined
    for (;;) {
      const rows = await db.all<BatchKey & { value: string }>(
        after ? NEXT_OVERRIDES : FIRST_OVERRIDES,
        after ? [after.seq, OVERRIDES_BATCH] : [OVERRIDES_BATCH],
      )
      if (rows.length > 0)
        yield rows.map((row) => ({
          http_action_overrides: JSON.parse(row.value) as Contact['http_action_overrides'],
        }))
      if (rows.length < OVERRIDES_BATCH) return
      after = rows.at(-1)
    }
  },

  /**
   * Every top-level `customData` key some contact has (with a value other than null), in
   * first-seen order (the order a page's CSV columns take): read from `contact_keys`, which
   * triggers keep current, so the export's header costs the same for ten contacts or ten
   * million. The keys a contact shows first come in the order its parsed object has them:
   * JavaScript puts integer-like keys (`"2"`, `"10"`) first, ascending, before the others in
   * the order of the text.
   */
  async customDataKeys(): Promise<string[]> {
    // The keys are json_each's: read as hex (`textOfHex`), never as text libSQL must decode.
    const rows = await db.all<{ hex: string; seq: number }>(
      'SELECT hex(key) AS hex, seq FROM contact_keys ORDER BY seq, position',
    )
    const keys: string[] = []
    // Keys set on an object without a prototype, so that `__proto__` is a key like any other.
    const fresh = () => Object.create(null) as Record<string, true>
    let holder = fresh()
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      holder[textOfHex(row.hex)] = true
      const next = rows[i + 1]
      if (next?.seq === row.seq) continue
      for (const key of Object.keys(holder)) keys.push(key)
      holder = fresh()
    }
    return keys
  },
})

export type Contacts = ReturnType<typeof contacts>
