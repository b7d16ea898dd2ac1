import type { Contact, ContactFields } from '../model/contact.ts'
import { type SqlDatabase, type SqlValue, first, sql } from './sql.ts'

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
    const value = row[m.column]
    if (value !== null) contact[m.key] = m.json ? JSON.parse(value) : value
  }
  return { ...contact, createdAt: row.created_at, updatedAt: row.updated_at } as Contact
}

/**
 * open.cx contacts on any `SqlDatabase`.
 *
 * Identity rule: a request with an email names the contact with that email, compared
 * case-insensitively (`email_key` is its lower-case form); a request with only a phone names
 * the contact that has that phone and no email. A request with an email never lands on a
 * phone-only contact, so the outcome never depends on which request came first.
 */
export const contacts = (db: SqlDatabase) => ({
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

  /** A page in stable order (creation time, then id) and the total, read together. */
  async list(page: { skip: number; limit: number }): Promise<{ items: Contact[]; total: number }> {
    const [rows, count] = await Promise.all([
      db.all<Row>(`SELECT ${COLUMNS} FROM contacts ORDER BY created_at, id LIMIT ? OFFSET ?`, [
        page.limit,
        page.skip,
      ]),
      db.all<{ total: number }>('SELECT COUNT(*) AS total FROM contacts'),
    ])
    return { items: rows.map(toModel), total: count[0]?.total ?? 0 }
  },
})

export type Contacts = ReturnType<typeof contacts>
