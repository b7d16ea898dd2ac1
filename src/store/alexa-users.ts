import type { AmazonUser } from '../model/amazon-user.ts'
import { first, run, type SqlDatabase, sql } from './sql.ts'
import { type Page, type PageOf, pageOf } from './page.ts'

/** A stored Amazon user: the model's public members plus the sealed tokens. */
export interface AmazonUserRecord {
  _id: string
  createdAt: string
  lastChanged: string
  createdBy: string
  lastChangedBy: string
  accessTokenSealed: string
  refreshTokenSealed: string
}

interface Row {
  id: string
  created_at: string
  last_changed: string
  created_by: string
  last_changed_by: string
}

const COLUMNS = 'id, created_at, last_changed, created_by, last_changed_by'

const toModel = (row: Row): AmazonUser => ({
  _id: row.id,
  createdAt: row.created_at,
  lastChanged: row.last_changed,
  createdBy: row.created_by,
  lastChangedBy: row.last_changed_by,
})

/**
 * Amazon users (Cognigy family) on any `SqlDatabase`. Reads never select the token columns:
 * what is not read cannot leak.
 */
export const alexaUsers = (db: SqlDatabase) => ({
  async create(record: AmazonUserRecord): Promise<AmazonUser> {
    await run(
      db,
      sql(
        `INSERT INTO alexa_users (${COLUMNS}, access_token, refresh_token) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        record._id,
        record.createdAt,
        record.lastChanged,
        record.createdBy,
        record.lastChangedBy,
        record.accessTokenSealed,
        record.refreshTokenSealed,
      ),
    )
    const { accessTokenSealed: _a, refreshTokenSealed: _r, ...user } = record
    return user
  },

  async get(id: string): Promise<AmazonUser | undefined> {
    const row = await first<Row>(db, sql(`SELECT ${COLUMNS} FROM alexa_users WHERE id = ?`, id))
    return row && toModel(row)
  },

  /** A page in stable order (the order stored) and the total, read together (`pageOf`). */
  list(page: Page): Promise<PageOf<AmazonUser>> {
    return pageOf(db, 'alexa_users', COLUMNS, page, toModel)
  },

  /** Deletes one user; false when there was none. */
  async delete(id: string): Promise<boolean> {
    return (await run(db, sql('DELETE FROM alexa_users WHERE id = ?', id))) > 0
  },

  /** The sealed tokens of one user, for the code that needs to call Amazon. */
  async sealedTokens(id: string): Promise<{ access: string; refresh: string } | undefined> {
    return first(
      db,
      sql(
        'SELECT access_token AS access, refresh_token AS refresh FROM alexa_users WHERE id = ?',
        id,
      ),
    )
  },
})

export type AlexaUsers = ReturnType<typeof alexaUsers>
