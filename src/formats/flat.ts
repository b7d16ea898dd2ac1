import { resolve, type Shape } from '../model/shape.ts'
import { project } from './project.ts'
import { SerializationError } from './types.ts'

/**
 * The flat convention — one row of named cells — shared by the CSV writer and, through
 * `unflatten.ts`, the CSV and form-urlencoded readers:
 *
 * - nested objects → dotted names (`Data.SessionTokens.IdToken`);
 * - dictionaries → `<field>.<key>`, the key being everything after the field's dot;
 * - free-form (`unknown`) objects → dotted names per member, free-form arrays → JSON text;
 * - typed arrays, and dictionary values that are not scalars → one cell of JSON text of the
 *   projected value (write-only members removed);
 * - write-only fields never; `null` and absent → no cell.
 */

type ObjectShape = Extract<Shape, { kind: 'object' }>

const TRIGGER = /^'*[=+\-@\t\r\n]/
const NEUTRALISED = /^'+[=+\-@\t\r\n]/

/**
 * OWASP CSV-injection neutralisation: text a spreadsheet would run as a formula gets a leading
 * `'`; text that already starts with `'`s before such a character gets one more, so that
 * `unneutralise` can always take exactly one away.
 *
 * @example
 * neutralise('=SUM(A1)') // "'=SUM(A1)"
 * neutralise("'=x") // "''=x"
 */
export const neutralise = (text: string): string => (TRIGGER.test(text) ? `'${text}` : text)

/** The text before `neutralise`, or `undefined` when `neutralise` added nothing to it. */
export const unneutralise = (text: string): string | undefined =>
  NEUTRALISED.test(text) ? text.slice(1) : undefined

/** One column of a flat table. Containers hold children; a column that holds cells has an index. */
export interface Column {
  name: string
  /** Position of its cells in each row array; -1 while it holds none. */
  index: number
  /** Children of a typed object, by the index of the field in the schema. */
  fields: (Column | undefined)[] | undefined
  /** Children of a dictionary or free-form object, in first-seen order. */
  keys: Map<string, Column> | undefined
}

/** Encodes one cell's text; `isString` marks user text, which may need neutralising. */
export type CellEncoder = (text: string, isString: boolean) => string

/** The columns of one serialization, grown row by row (the union over a collection). */
export interface FlatTable {
  shape: Shape
  root: Column
  width: number
  maxDepth: number
  encode: CellEncoder
}

type Kind = 'cell' | 'json' | 'object' | 'record' | 'free'
interface Plan {
  index: number
  key: string
  shape: Shape
  kind: Kind
  /** Reached through `v.lazy`: possibly recursive, so only as deep as the data goes. */
  lazy: boolean
}

const KINDS: Record<Shape['kind'], Kind> = {
  object: 'object',
  record: 'record',
  unknown: 'free',
  array: 'json',
  string: 'cell',
  number: 'cell',
  boolean: 'cell',
  enum: 'cell',
  ref: 'cell',
}
const plans = new WeakMap<ObjectShape, readonly Plan[]>()

/** The emitted fields of an object shape, classified once per schema. */
const planOf = (s: ObjectShape): readonly Plan[] => {
  let plan = plans.get(s)
  if (plan) return plan
  plan = s.fields.flatMap((f, index) =>
    f.writeOnly
      ? []
      : [
          {
            index,
            key: f.key,
            shape: f.shape,
            kind: KINDS[resolve(f.shape).kind],
            lazy: f.shape.kind === 'ref',
          },
        ],
  )
  plans.set(s, plan)
  return plan
}

const column = (name: string): Column => ({ name, index: -1, fields: undefined, keys: undefined })
const join = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`)

const keyed = (col: Column, key: string): Column => {
  const keys = (col.keys ??= new Map())
  let child = keys.get(key)
  if (!child) keys.set(key, (child = column(join(col.name, key))))
  return child
}

/** Adds the columns every row has: scalar, typed-array and nested-object fields, not lazy ones. */
const expand = (t: FlatTable, col: Column, s: ObjectShape): void => {
  const fields = (col.fields ??= [])
  for (const p of planOf(s)) {
    if (p.kind === 'record' || p.kind === 'free' || (p.kind === 'object' && p.lazy)) continue
    const child = (fields[p.index] ??= column(join(col.name, p.key)))
    if (p.kind === 'object') expand(t, child, resolve(p.shape) as ObjectShape)
    else if (child.index < 0) child.index = t.width++
  }
}

/**
 * A table holding the schema's static columns; `flattenRow` adds the data-dependent ones.
 *
 * @example
 * const t = createTable(shapeOf(CognitoUser), 32, (text) => text)
 * columnsOf(t).map((c) => c.name) // ['UserName', 'Status', ...]
 */
export const createTable = (shape: Shape, maxDepth: number, encode: CellEncoder): FlatTable => {
  const t: FlatTable = { shape, root: column(''), width: 0, maxDepth, encode }
  const s = resolve(shape)
  if (s.kind === 'object') expand(t, t.root, s)
  return t
}

const put = (t: FlatTable, col: Column, row: string[], text: string) => {
  if (col.index < 0) col.index = t.width++
  row[col.index] = text
}

const scalar = (t: FlatTable, col: Column, row: string[], value: unknown) => {
  if (typeof value === 'string') put(t, col, row, t.encode(value, true))
  else if (typeof value === 'number') put(t, col, row, Number.isFinite(value) ? String(value) : '')
  else if (typeof value === 'boolean') put(t, col, row, value ? 'true' : 'false')
  else if (value instanceof Date) put(t, col, row, t.encode(value.toISOString(), true))
  else put(t, col, row, t.encode(String(value), true))
}

const SCALARS = new Set<Shape['kind']>(['string', 'number', 'boolean', 'enum'])

/** An array of plain scalars projects to itself: skip the copy (the common `Tags` case). */
const isScalarArray = (shape: Shape, value: unknown): value is unknown[] => {
  const s = resolve(shape)
  if (s.kind !== 'array' || !Array.isArray(value) || !SCALARS.has(resolve(s.item).kind))
    return false
  for (const item of value) if (typeof item === 'object' && item !== null) return false
  return true
}

const jsonCell = (
  t: FlatTable,
  col: Column,
  row: string[],
  shape: Shape,
  value: unknown,
  depth: number,
) => {
  const data =
    depth + 1 <= t.maxDepth && isScalarArray(shape, value)
      ? value
      : project(shape, value, t.maxDepth, depth)
  put(t, col, row, t.encode(JSON.stringify(data), false))
}

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

const walk = (
  t: FlatTable,
  shape: Shape,
  value: unknown,
  col: Column,
  row: string[],
  depth: number,
): void => {
  if (value === undefined || value === null) return
  if (depth > t.maxDepth)
    throw new SerializationError(`data nested deeper than ${t.maxDepth} levels`)
  if (typeof value !== 'object' || value instanceof Date) return scalar(t, col, row, value)
  const s = resolve(shape)
  // At the limit, members go through the checks below so the limit is the one JSON applies.
  const fast = depth < t.maxDepth
  if (s.kind === 'object' && isPlain(value)) {
    const fields = (col.fields ??= [])
    for (const p of planOf(s)) {
      const member = value[p.key]
      if (member === undefined || member === null) continue
      const child = (fields[p.index] ??= column(join(col.name, p.key)))
      // Most members are scalars: skip the generic dispatch for them.
      if (fast && p.kind === 'cell' && typeof member !== 'object') scalar(t, child, row, member)
      else walk(t, p.shape, member, child, row, depth + 1)
    }
  } else if ((s.kind === 'record' || s.kind === 'unknown') && isPlain(value)) {
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member === undefined || member === null) continue
      const child = keyed(col, key)
      // A key may contain dots, so a dictionary value cannot flatten further: it is one cell.
      if (s.kind === 'unknown') walk(t, s, member, child, row, depth + 1)
      else if (fast && (typeof member !== 'object' || member instanceof Date))
        scalar(t, child, row, member)
      else jsonCell(t, child, row, s.value, member, depth + 1)
    }
  } else jsonCell(t, col, row, s, value, depth)
}

/**
 * Flattens one row (a resource or a collection item) into cells indexed by column, adding
 * columns the table has not seen yet. `depth` is the row's depth in the whole body.
 */
export const flattenRow = (t: FlatTable, value: unknown, depth = 0): string[] => {
  const row: string[] = []
  walk(t, t.shape, value, t.root, row, depth)
  return row
}

const order = (col: Column, out: Column[]): void => {
  if (col.index >= 0) out.push(col)
  if (col.fields) for (const child of col.fields) if (child) order(child, out)
  if (col.keys) for (const child of col.keys.values()) order(child, out)
}

/** The columns holding cells in header order: schema order, dynamic keys first-seen. */
export const columnsOf = (t: FlatTable): Column[] => {
  const out: Column[] = []
  order(t.root, out)
  return out
}
