import { resolve, type Shape } from '../model/shape.ts'
import { project } from './project.ts'
import { dateText, isPlain, SerializationError } from './types.ts'

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
export const neutralise = (text: string): string => (isFormula(text) ? `'${text}` : text)

/** Characters that make a spreadsheet read a cell as a formula: `= + - @` TAB CR LF. */
const FORMULA = new Set([61, 43, 45, 64, 9, 13, 10])

/**
 * Whether `neutralise` prefixes the text. Most text decides by its first character; only text
 * starting with `'` needs the regex.
 */
export const isFormula = (text: string): boolean => {
  const first = text.charCodeAt(0)
  return FORMULA.has(first) || (first === 39 && TRIGGER.test(text))
}

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
  /** Its object shape's static columns are all there (`expand`): only the others can grow. */
  expanded: boolean
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

/** One emitted field of an object shape: how its value flattens. */
export interface Plan {
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
export const planOf = (s: ObjectShape): readonly Plan[] => {
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

const column = (name: string): Column => ({
  name,
  index: -1,
  fields: undefined,
  keys: undefined,
  expanded: false,
})
const join = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`)

/** The child column of a typed object's field, made on first use. */
export const fieldColumn = (col: Column, p: Plan): Column =>
  ((col.fields ??= [])[p.index] ??= column(join(col.name, p.key)))

const keyed = (col: Column, key: string): Column => {
  const keys = (col.keys ??= new Map())
  let child = keys.get(key)
  if (!child) keys.set(key, (child = column(join(col.name, key))))
  return child
}

const grown = new WeakMap<ObjectShape, readonly Plan[]>()

/** The fields of an object shape that can add columns once `expand` added its static ones. */
const growingOf = (s: ObjectShape): readonly Plan[] => {
  let plan = grown.get(s)
  if (!plan) grown.set(s, (plan = planOf(s).filter((p) => p.kind !== 'cell' && p.kind !== 'json')))
  return plan
}

/** Adds the columns every row has: scalar, typed-array and nested-object fields, not lazy ones. */
const expand = (t: FlatTable, col: Column, s: ObjectShape): void => {
  col.expanded = true
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

/** The cell of a scalar (or of anything that is not an object, or a date). */
export const scalarText = (t: FlatTable, value: unknown): string => {
  if (typeof value === 'string') return t.encode(value, true)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) {
    const text = dateText(value)
    return text === null ? '' : t.encode(text, true)
  }
  return t.encode(String(value), true)
}

const scalar = (t: FlatTable, col: Column, row: string[], value: unknown) =>
  put(t, col, row, scalarText(t, value))

const SCALARS = new Set<Shape['kind']>(['string', 'number', 'boolean', 'enum'])

/** An array of plain scalars projects to itself: skip the copy (the common `Tags` case). */
const isScalarArray = (shape: Shape, value: unknown): value is unknown[] => {
  const s = resolve(shape)
  if (s.kind !== 'array' || !Array.isArray(value) || !SCALARS.has(resolve(s.item).kind))
    return false
  for (const item of value) if (typeof item === 'object' && item !== null) return false
  return true
}

/** The one cell of JSON text of a value that does not flatten (a typed array, say). */
export const jsonText = (t: FlatTable, shape: Shape, value: unknown, depth: number): string => {
  const data =
    depth + 1 <= t.maxDepth && isScalarArray(shape, value)
      ? value
      : project(shape, value, t.maxDepth, depth)
  return t.encode(JSON.stringify(data), false)
}

const jsonCell = (
  t: FlatTable,
  col: Column,
  row: string[],
  shape: Shape,
  value: unknown,
  depth: number,
) => put(t, col, row, jsonText(t, shape, value, depth))

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

const claim = (t: FlatTable, col: Column) => {
  if (col.index < 0) col.index = t.width++
}

/** `walk` without the cells: the columns it would add, and no more. */
const grow = (t: FlatTable, shape: Shape, value: unknown, col: Column, depth: number): void => {
  if (value === undefined || value === null) return
  if (depth > t.maxDepth)
    throw new SerializationError(`data nested deeper than ${t.maxDepth} levels`)
  if (typeof value !== 'object' || value instanceof Date) return claim(t, col)
  const s = resolve(shape)
  if (s.kind === 'object' && isPlain(value)) {
    // An expanded column has its scalar and typed-array columns already: only its
    // dictionaries, free-form and nested objects can add any (a page of contacts: customData).
    for (const p of col.expanded ? growingOf(s) : planOf(s)) {
      const member = value[p.key]
      if (member === undefined || member === null) continue
      const child = fieldColumn(col, p)
      // A scalar or typed-array field holds one cell whatever its value (JSON text if odd).
      if (p.kind === 'cell' || p.kind === 'json') claim(t, child)
      else grow(t, p.shape, member, child, depth + 1)
    }
  } else if ((s.kind === 'record' || s.kind === 'unknown') && isPlain(value)) {
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member === undefined || member === null) continue
      const child = keyed(col, key)
      if (s.kind === 'unknown') grow(t, s, member, child, depth + 1)
      else claim(t, child)
    }
  } else claim(t, col)
}

/**
 * Adds the columns `flattenRow` would add for a row, without writing its cells: a collection's
 * header is known before its first row is written. It may miss a `SerializationError` that
 * `flattenRow` throws (it does not look inside JSON cells), never throws one `flattenRow` would
 * not.
 */
export const addColumns = (t: FlatTable, value: unknown, depth = 0): void =>
  grow(t, t.shape, value, t.root, depth)

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
