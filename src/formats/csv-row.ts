import { resolve, type Shape } from '../model/shape.ts'
import {
  type Column,
  fieldColumn,
  type FlatTable,
  flattenRow,
  neutralise,
  jsonText,
  planOf,
  type Plan,
  scalarText,
} from './flat.ts'
import { isPlain } from './types.ts'

/** Anything that needs neutralising or quoting: one test, so plain cells take the fast path. */
const SPECIAL = /^[=+\-@\t\r\n' ]|[",;\r\n]| $/
// `;` too: a spreadsheet whose locale separates with `;` (German, French Excel) splits an
// unquoted `x;=cmd|…` there and runs the second cell as a formula (OWASP, CSV injection).
const BREAKS = /[",;\r\n]/

/**
 * One cell as RFC 4180 text; `isString` marks user text, which is formula-neutralised first.
 *
 * @example
 * encodeCell('=1+1', true) // "'=1+1"
 * encodeCell('a,"b"', true) // '"a,""b"""'
 */
export const encodeCell = (text: string, isString: boolean): string => {
  if (!SPECIAL.test(text)) return text
  const safe = isString ? neutralise(text) : text
  // Quoted when it holds `" , ; CR LF` or has a space at either end. Tested on `text`: the `'`
  // neutralising adds is none of these, it never goes before a space, and a regex on the
  // prefixed (concatenated) text would have to flatten it first.
  const quote =
    BREAKS.test(text) || text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32
  return quote ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The header row, CRLF included: column names are encoded as user text (keys are user data). */
export const headerLine = (columns: readonly Column[]): string => {
  let out = ''
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) out += ','
    out += encodeCell(columns[i]!.name, true)
  }
  return `${out}\r\n`
}

/**
 * A row's line (CRLF included) from its cells' text. Under a header of one column, a row whose
 * one cell is empty is `""`: written bare it would be an empty line, which readers skip as no
 * record (papaparse's `skipEmptyLines`, csv-parse's `skip_empty_lines`, the gateway's own body
 * reader after its data row), so the row would be lost.
 *
 * @example
 * lineOf('', 1) // '""\r\n'
 */
const lineOf = (text: string, columns: number): string =>
  text === '' && columns === 1 ? '""\r\n' : `${text}\r\n`

/** A flattened row's line under a header (CRLF included): its cells in the header's order. */
export const rowLine = (row: readonly (string | undefined)[], columns: readonly Column[]) => {
  let out = ''
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) out += ','
    out += row[columns[i]!.index] ?? ''
  }
  return lineOf(out, columns.length)
}

export interface RowWriterOptions {
  /**
   * Members (of the row's own object) whose free-form values that are objects, not arrays,
   * are one cell of their `JSON.stringify` text, instead of what the flat convention makes of
   * them: a streamed export's header is fixed, so they cannot add columns.
   */
  objectsAsText?: readonly string[]
}

/**
 * The writer of one row's CSV line (CRLF included) under a fixed header, compiled once per
 * table and header, the way fast-json-stringify compiles a schema: a plan of steps, one per
 * member in schema order (the header's order), each knowing its header positions, depth and
 * shape. A step reads its member straight off the object and appends its cells to the line:
 * a scalar or typed-array field is one cell, a nested typed object is its own steps, a
 * dictionary or free-form member walks its keys and puts each cell at its key's position. No
 * row array is filled and joined, no column tree is walked per row, and the depth limit is
 * checked once, when compiling (`depth` is the row's).
 *
 * The line is byte for byte the one `flattenRow` gives (cells for columns the header lacks
 * left out), and `flattenRow` itself writes the rows the plan has no fast path for: a value of
 * another kind than its schema's (an object where a scalar goes), free-form data that nests,
 * a recursive member deeper than the header's columns, a member the depth limit stops (which
 * then throws as `flattenRow` throws).
 *
 * The table must encode cells with `encodeCell`, which the steps call directly.
 *
 * @example
 * const table = createTable(shapeOf(Contact), 32, encodeCell)
 * for (const item of items) addColumns(table, item)
 * const columns = columnsOf(table)
 * const line = csvRowWriter(table, columns, 0)
 * headerLine(columns) + items.map(line).join('') // the page's CSV body
 */
export const csvRowWriter = (
  t: FlatTable,
  columns: readonly Column[],
  depth: number,
  options: RowWriterOptions = {},
): ((value: unknown) => string) => {
  if (t.encode !== encodeCell)
    throw new TypeError('csvRowWriter needs a table that encodes cells with encodeCell')
  const asText = new Set(options.objectsAsText ?? [])
  const positions = new Map(columns.map((c, i) => [c, i]))
  const s = resolve(t.shape)
  const steps =
    s.kind === 'object' && depth <= t.maxDepth
      ? compileObject(t, positions, t.root, s, depth, asText)
      : undefined
  const generic = (value: unknown): string =>
    rowLine(
      flattenRow(t, asText.size > 0 ? withObjectsAsText(value, asText) : value, depth),
      columns,
    )
  return (value) => {
    if (steps !== undefined && isPlain(value)) {
      const text = writeObject(t, steps, value)
      if (text !== undefined) return lineOf(text, columns.length)
    }
    return generic(value)
  }
}

/** What a step does with its member (numbers, so the writer's dispatch is a small switch). */
const Kind = {
  /** A header cell that a plain object leaves empty: the object's own column. */
  Empty: 0,
  /** A scalar or typed-array field: exactly one cell. */
  One: 1,
  /** A nested typed object: its own steps. */
  Object: 2,
  /** A dictionary or free-form object: a cell per key, at its key's header position. */
  Keyed: 3,
  /** Anything else (a recursive member, one the depth limit stops): the generic path. */
  Generic: 4,
} as const
type Kind = (typeof Kind)[keyof typeof Kind]

/** One member of an object, with what is known about its cells before any row is written. */
interface Step {
  kind: Kind
  key: string
  /** The member's cells are the header positions `from` to `to` (exclusive). */
  from: number
  to: number
  /** The text of its cells when the member is absent: just their separators. */
  empty: string
  /** The separator before its first cell (none before the header's first). */
  sep: string
  /** One: the field's shape. Keyed: the shape of its values (`unknown` for free-form). */
  shape: Shape
  /** Depth of the member's value in the whole body. */
  depth: number
  /** Object: the steps of its members. */
  steps: readonly Step[]
  /** Keyed: the keys that have a column, in header order, and their header positions. */
  keys: readonly string[]
  positions: readonly number[]
  /** Keyed: the index in `keys` of each key. */
  slots: ReadonlyMap<string, number>
  /** Keyed: free-form, so an object value would flatten into further columns. */
  free: boolean
  /** Keyed: object values are JSON text (`objectsAsText`), left to the generic path. */
  asText: boolean
}

const NO_STEPS: readonly Step[] = []
const NO_SLOTS: ReadonlyMap<string, number> = new Map()
const UNKNOWN: Shape = { kind: 'unknown' }
const sep = (position: number) => (position === 0 ? '' : ',')

/** Header positions of a column and all its descendants: contiguous, as `columnsOf` orders. */
const span = (positions: ReadonlyMap<Column, number>, col: Column): [number, number] => {
  let from = Infinity
  let to = -Infinity
  const visit = (c: Column) => {
    const at = positions.get(c)
    if (at !== undefined) {
      from = Math.min(from, at)
      to = Math.max(to, at + 1)
    }
    if (c.fields) for (const child of c.fields) if (child) visit(child)
    if (c.keys) for (const child of c.keys.values()) visit(child)
  }
  visit(col)
  return from <= to ? [from, to] : [0, 0]
}

const stepOf = (
  kind: Kind,
  key: string,
  [from, to]: [number, number],
  rest: Partial<Step> = {},
): Step => {
  let empty = ''
  for (let i = from; i < to; i++) empty += sep(i)
  return {
    kind,
    key,
    from,
    to,
    empty,
    sep: sep(from),
    shape: UNKNOWN,
    depth: 0,
    steps: NO_STEPS,
    keys: [],
    positions: [],
    slots: NO_SLOTS,
    free: false,
    asText: false,
    ...rest,
  }
}

/**
 * The steps of a plain object at `depth` whose cells are `col` and its descendants. `walk` in
 * flat.ts is the reference: a step does what `walk` does with its member, or gives up the row.
 */
const compileObject = (
  t: FlatTable,
  positions: ReadonlyMap<Column, number>,
  col: Column,
  s: Extract<Shape, { kind: 'object' }>,
  depth: number,
  asText: ReadonlySet<string>,
): Step[] => {
  const steps: Step[] = []
  const own = positions.get(col)
  if (own !== undefined) steps.push(stepOf(Kind.Empty, '', [own, own + 1]))
  for (const p of planOf(s)) steps.push(compileMember(t, positions, col, p, depth + 1, asText))
  return steps
}

const compileMember = (
  t: FlatTable,
  positions: ReadonlyMap<Column, number>,
  parent: Column,
  p: Plan,
  depth: number,
  asText: ReadonlySet<string>,
): Step => {
  const col = fieldColumn(parent, p)
  const range = span(positions, col)
  const generic = stepOf(Kind.Generic, p.key, range)
  // Deeper than the limit, any value throws: the generic path throws it.
  if (depth > t.maxDepth) return generic
  const text = asText.has(p.key)
  if (p.kind === 'cell' || p.kind === 'json')
    // Its one cell, in its own column (which only a recursive member's may lack).
    return positions.has(col) && !text
      ? stepOf(Kind.One, p.key, range, { shape: p.shape, depth })
      : generic
  const s = resolve(p.shape)
  // A recursive (lazy) member is followed only as deep as its header columns go, so the
  // compiling ends; a value deeper than that would have added columns, and takes the generic
  // path.
  if (p.kind === 'object' && s.kind === 'object' && !text && (!p.lazy || range[1] > range[0]))
    return stepOf(Kind.Object, p.key, range, {
      steps: compileObject(t, positions, col, s, depth, new Set()),
    })
  // The values sit one level deeper: at the limit they go the generic way.
  if ((s.kind === 'record' || s.kind === 'unknown') && depth < t.maxDepth) {
    // Keyed children in `columnsOf` order, so their positions increase.
    const keyed = [...(col.keys ?? [])].filter(([, child]) => positions.has(child))
    return stepOf(Kind.Keyed, p.key, range, {
      shape: s.kind === 'record' ? s.value : s,
      depth,
      keys: keyed.map(([key]) => key),
      positions: keyed.map(([, child]) => positions.get(child)!),
      slots: new Map(keyed.map(([key], i) => [key, i])),
      free: s.kind === 'unknown',
      asText: text,
    })
  }
  return generic
}

/**
 * The cells of a plain object, each after its separator, or `undefined` when the row needs the
 * generic path.
 */
const writeObject = (
  t: FlatTable,
  steps: readonly Step[],
  value: Record<string, unknown>,
): string | undefined => {
  let text = ''
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!
    if (step.kind === Kind.Empty) {
      text += step.empty
      continue
    }
    const member = value[step.key]
    if (member === undefined || member === null) {
      text += step.empty
      continue
    }
    switch (step.kind) {
      case Kind.One:
        // A string is the usual cell: encode it without the dispatch of `scalarText`.
        text +=
          step.sep +
          (typeof member === 'string'
            ? encodeCell(member, true)
            : typeof member !== 'object' || member instanceof Date
              ? scalarText(t, member)
              : jsonText(t, step.shape, member, step.depth))
        break
      case Kind.Object: {
        if (!isPlain(member)) return undefined
        const cells = writeObject(t, step.steps, member)
        if (cells === undefined) return undefined
        text += cells
        break
      }
      case Kind.Keyed: {
        if (!isPlain(member)) return undefined
        const cells = writeKeyed(t, step, member, false)
        if (cells === undefined) return undefined
        text += cells
        break
      }
      default:
        return undefined
    }
  }
  return text
}

/**
 * A dictionary's or free-form object's cells. Keys usually come in header order, so each cell
 * is appended as it comes, its skipped neighbours left empty; a key that comes back before
 * one already written restarts the member with its cells placed by position (`placed`).
 */
const writeKeyed = (
  t: FlatTable,
  step: Step,
  value: Record<string, unknown>,
  placed: boolean,
): string | undefined => {
  const cells: string[] | undefined = placed ? [] : undefined
  let text = ''
  // The next header position to write, and the next of the header's keys.
  let next = step.from
  let k = 0
  for (const key of Object.keys(value)) {
    const member = value[key]
    if (member === undefined || member === null) continue
    let cell: string
    if (typeof member === 'string') cell = encodeCell(member, true)
    else if (typeof member !== 'object') cell = scalarText(t, member)
    else if (Array.isArray(member)) cell = jsonText(t, step.shape, member, step.depth + 1)
    else if (step.asText) return undefined
    else if (member instanceof Date) cell = scalarText(t, member)
    else if (step.free) return undefined
    else cell = jsonText(t, step.shape, member, step.depth + 1)
    // Computed first even without a column: a value too deep throws as in `flattenRow`.
    const i = key === step.keys[k] ? k : step.slots.get(key)
    if (i === undefined) continue
    const at = step.positions[i]!
    if (cells) cells[at - step.from] = cell
    else if (i < k) return writeKeyed(t, step, value, true)
    else {
      k = i + 1
      while (next < at) text += sep(next++)
      text += sep(at) + cell
      next = at + 1
    }
  }
  if (cells)
    for (let at = step.from; at < step.to; at++) text += sep(at) + (cells[at - step.from] ?? '')
  else while (next < step.to) text += sep(next++)
  return text
}

// Any object, a date included, is one cell of its JSON text here (as `JSON.stringify` writes it).
const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * `objectsAsText` for the generic path: a copy of the row whose named members have their
 * object values as JSON text, or the row itself when none has one. (The steps give up a row
 * with such a value rather than read the members off the original: a copy has only the row's
 * own enumerable members.)
 */
const withObjectsAsText = (value: unknown, members: ReadonlySet<string>): unknown => {
  if (!isPlain(value)) return value
  let copy: Record<string, unknown> | undefined
  for (const member of members) {
    const free = value[member]
    if (!isPlain(free) || !Object.values(free).some(isObject)) continue
    const cells = Object.fromEntries(
      Object.entries(free).map(([k, v]) => [k, isObject(v) ? JSON.stringify(v) : v]),
    )
    copy = { ...(copy ?? value), [member]: cells }
  }
  return copy ?? value
}
