import { isTooBig, rowOf, type SqlDatabase, type SqlValue } from './sql.ts'

/**
 * A row's place in page order: its `seq`, the number the database gave it when it was stored
 * (migration 0013). Rows are paged in the order they were stored, so a cursor at a row sees
 * every row stored after it; a number is never given twice, not even after a delete.
 */
export type RowKey = number

/**
 * A page: `limit` rows from `skip` rows in; or, with `after`, the `limit` rows that follow
 * that row in page order; or, with `before`, the `limit` rows that precede it (keyset paging:
 * as cheap at the millionth row as at the first, where `skip` makes SQLite walk past every
 * row before the page). With a key, `skip` is the position the caller says the page is at,
 * which the store does not read.
 */
export interface Page {
  skip: number
  limit: number
  after?: RowKey | undefined
  before?: RowKey | undefined
}

/**
 * A page's items, the table's total, whether rows follow it (`more`) and precede it
 * (`earlier`), and the keys of its first and last rows.
 */
export interface PageOf<TModel> {
  items: TModel[]
  total: number
  more: boolean
  earlier: boolean
  start: RowKey | undefined
  end: RowKey | undefined
}

/** One batch of a collection read whole (an export), in order, and whether it ends with it. */
export interface ExportBatch<T> {
  items: T[]
  end: boolean
}

interface Query {
  /** The page's rows as one JSON text: an array of row arrays. */
  asText: string
  /** The page's rows, one by one. */
  rows: string
}

interface Plan {
  names: readonly string[]
  offset: Query
  after: Query
  /** Newest first: the rows nearest the key. */
  before: Query
}

const plans = new Map<string, Plan>()

/** The last element of a `rowsAsText` text: one character past Latin-1. */
const MARKER = '\u0100'

/**
 * A query whose rows (a TEXT column `r` holding one JSON value each) come back as one JSON text:
 * an array of them, and last a one-string marker whose character lies past Latin-1. That
 * character makes the runtime hold the whole text as a two-byte string, and V8's `JSON.parse`
 * interns every string value shorter than 10 characters of a one-byte text (json-parser.cc),
 * never of a two-byte one. Interned strings go to the old generation and into V8's string table,
 * and stay there until a full collection: with a short unique value per row (a note, a name),
 * exporting 1,000,000 contacts grew the process by ~80 MB instead of ~19 (V8's young generation
 * fixed at 2 × 16 MiB for both), and parsed 15% fewer rows a second. `parseRows` reads it back.
 * No rows: NULL.
 *
 * @example
 * db.first(rowsAsText(`SELECT json_array(id) AS r FROM t`)) // { rows: '[["a"],["b"],"Ā"]' }
 */
export const rowsAsText = (query: string): string =>
  `SELECT '[' || group_concat(r, ',') || ',"' || char(${MARKER.charCodeAt(0)}) || '"]' AS rows FROM (${query})`

/**
 * The rows of a `rowsAsText` text, its marker left out. A text that does not end with the
 * marker is refused rather than read one row short.
 *
 * @example
 * parseRows('[["a"],["b"],"Ā"]') // [['a'], ['b']]
 */
export const parseRows = <T>(text: string): T[] => {
  const rows = JSON.parse(text) as unknown[]
  if (rows.pop() !== MARKER) throw new Error('rows text without its end marker')
  return rows as T[]
}

const planOf = (table: string, columns: string): Plan => {
  const key = `${table}(${columns})`
  let plan = plans.get(key)
  if (!plan) {
    const query = (where: string, order: string, limit: string): Query => ({
      asText: rowsAsText(
        `SELECT json_array(${columns}) AS r FROM ${table} ${where} ORDER BY ${order} ${limit}`,
      ),
      rows: `SELECT ${columns} FROM ${table} ${where} ORDER BY ${order} ${limit}`,
    })
    plan = {
      names: columns.split(',').map((name) => name.trim()),
      offset: query('', 'seq', 'LIMIT ? OFFSET ?'),
      after: query('WHERE seq > ?', 'seq', 'LIMIT ?'),
      before: query('WHERE seq < ?', 'seq DESC', 'LIMIT ?'),
    }
    plans.set(key, plan)
  }
  return plan
}

/**
 * `rows` in page order (ascending `seq`), given each row's key. SQLite's `group_concat` joins
 * rows in the order it reads them, which it does not promise is its subquery's ORDER BY (an
 * ORDER BY inside `group_concat` would, at half again the cost of the read): checked, and
 * sorted in the rare case it is not.
 *
 * @example
 * inPageOrder(rows, (row) => row.seq)
 */
export const inPageOrder = <T>(rows: T[], key: (row: T) => RowKey): T[] => {
  for (let i = 1; i < rows.length; i++)
    if (key(rows[i]!) < key(rows[i - 1]!)) return rows.sort((a, b) => key(a) - key(b))
  return rows
}

/**
 * A page's rows. Where the driver says many rows are cheaper as one text (`manyRowsAsText`:
 * libSQL's native driver), read as one JSON text (`json_array` per row, joined by
 * `group_concat`) with one `JSON.parse` — one crossing from the driver instead of one per row
 * and cell, about 40% less time for 100 contacts — and row by row when SQLite refuses the text
 * as too big (past its length limit). Otherwise row by row. In the query's order, or, as one
 * text, in the order SQLite joined them: `pageOf` puts them in page order.
 */
const pageRows = async <TRow>(
  db: SqlDatabase,
  names: readonly string[],
  query: Query,
  params: readonly SqlValue[],
): Promise<TRow[]> => {
  if (!db.manyRowsAsText) return db.all<TRow>(query.rows, params)
  let text: { rows: string | null } | undefined
  try {
    text = await db.first<{ rows: string | null }>(query.asText, params)
  } catch (error) {
    if (!isTooBig(error)) throw error
    return db.all<TRow>(query.rows, params)
  }
  // No rows: group_concat is NULL, and so is the concatenation.
  if (!text?.rows) return []
  return parseRows<SqlValue[]>(text.rows).map((cells) => rowOf(names, cells) as TRow)
}

const keyOf = (row: { seq: number }): RowKey => row.seq

/**
 * One page of a table in stable order (the order its rows were stored: `seq`, on the table's
 * unique index of it) and the table's total, which `row_counts` holds (kept by the table's
 * triggers, migration 0005) so it costs the same at ten rows or ten million. `table` and
 * `columns` are the repository's own constants, never caller input; every column is TEXT
 * (`json_array` keeps text exact). `seq` is read besides them, for the page's keys, and
 * `toModel` leaves it out. One row more than the page is read, to know whether another
 * follows (or, read backwards, precedes) it.
 *
 * @example
 * await pageOf(db, 'contacts', COLUMNS, { skip: 0, limit: 25 }, toModel)
 * // { items, total, more, earlier, start, end }
 */
export const pageOf = async <TRow, TModel>(
  db: SqlDatabase,
  table: string,
  columns: string,
  page: Page,
  toModel: (row: TRow) => TModel,
): Promise<PageOf<TModel>> => {
  const plan = planOf(table, `${columns}, seq`)
  type Keyed = TRow & { seq: number }
  const read =
    page.before !== undefined
      ? pageRows<Keyed>(db, plan.names, plan.before, [page.before, page.limit + 1])
      : page.after !== undefined
        ? pageRows<Keyed>(db, plan.names, plan.after, [page.after, page.limit + 1])
        : pageRows<Keyed>(db, plan.names, plan.offset, [page.limit + 1, page.skip])
  const [fetched, count] = await Promise.all([
    read,
    db.first<{ total: number }>('SELECT n AS total FROM row_counts WHERE name = ?', [table]),
  ])
  // Read backwards, the rows come newest first: reversed, they are in page order again.
  const backwards = page.before !== undefined
  const rows = inPageOrder(backwards ? fetched.reverse() : fetched, keyOf)
  const beyond = rows.length > page.limit
  if (beyond && backwards) rows.shift()
  else if (beyond) rows.pop()
  const first = rows[0]
  const last = rows.at(-1)
  return {
    items: rows.map(toModel),
    total: count?.total ?? 0,
    more: backwards ? true : beyond,
    earlier: backwards ? beyond : page.after !== undefined ? true : page.skip > 0,
    start: first && keyOf(first),
    end: last && keyOf(last),
  }
}
