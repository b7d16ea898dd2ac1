import type { SqlDatabase } from './sql.ts'

export interface Page {
  skip: number
  limit: number
}

/**
 * One page of a table in stable order (creation time, then id) and the table's total, which
 * `row_counts` holds (kept by the table's triggers, migration 0005) so it costs the same at
 * ten rows or ten million. `table` and `columns` are the repository's own constants, never
 * caller input.
 *
 * @example
 * await pageOf(db, 'contacts', COLUMNS, { skip: 0, limit: 25 }, toModel) // { items, total }
 */
export const pageOf = async <TRow, TModel>(
  db: SqlDatabase,
  table: string,
  columns: string,
  page: Page,
  toModel: (row: TRow) => TModel,
): Promise<{ items: TModel[]; total: number }> => {
  const [rows, count] = await Promise.all([
    db.all<TRow>(`SELECT ${columns} FROM ${table} ORDER BY created_at, id LIMIT ? OFFSET ?`, [
      page.limit,
      page.skip,
    ]),
    db.first<{ total: number }>('SELECT n AS total FROM row_counts WHERE name = ?', [table]),
  ])
  return { items: rows.map(toModel), total: count?.total ?? 0 }
}
