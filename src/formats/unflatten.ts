import { resolve, type Field, type Shape } from '../model/shape.ts'
import { coerceScalar, isForbiddenKey, pointerToken } from './coerce.ts'
import { fieldNamed, namedTwice } from './field-names.ts'
import { unneutralise } from './flat.ts'
import { NOT_JSON, parseJsonText } from './json-parse.ts'
import { BodySyntaxError } from './types.ts'

type Bag = Record<string, unknown>

export interface UnflattenOptions {
  /** Maximum nesting depth of the value, counting dotted segments and JSON text alike. */
  maxDepth: number
  /** CSV cells carry neutralised text (`'=x`, see `neutralise`); form fields carry text as sent. */
  neutralised: boolean
  /** Field names match in any letter case (`ParseOptions.ignoreCase`). */
  ignoreCase?: boolean
}

interface Context extends UnflattenOptions {
  /** Objects this call created for dotted paths, as opposed to values parsed from JSON text. */
  bags: Set<object>
  /** With `ignoreCase`: the name that reached each member, so another spelling is refused. */
  sentAs: Map<string, string>
}

// Prototype-less: a dictionary key such as `toString` is then just a key, never an inherited member.
const bag = (ctx: Context): Bag => {
  const created = Object.create(null) as Bag
  ctx.bags.add(created)
  return created
}

const tooDeep = (ctx: Context, pointer: string) =>
  new BodySyntaxError(`the body is nested deeper than ${ctx.maxDepth} levels`, pointer)

/**
 * One member a flat name reaches: its key, the shape of its value, its field if typed, and
 * the name up to it as sent (`user.EMAILADDRESS` for the field `EmailAddress`).
 */
interface Step {
  key: string
  shape: Shape
  field: Field | undefined
  sent: string
}

/** How the schema reads a flat name (see `walkName`). */
interface NamePath {
  /** The members the name reaches, outermost first; unless ignored, the last holds the cell. */
  steps: Step[]
  /** The rest of the name when no member takes it: no such field, or a name below a scalar. */
  ignored: string | undefined
}

/**
 * Reads a flat name by the schema: object fields by name (in any letter case with
 * `ignoreCase`), free-form members split on dots, a dictionary key as the whole remainder.
 * Stops after `limit` + 1 steps (the caller refuses that depth), so a name of many dots costs
 * no more than the limit.
 */
const walkName = (shape: Shape, name: string, limit: number, ignoreCase = false): NamePath => {
  const steps: Step[] = []
  let s = resolve(shape)
  let rest = name
  while (steps.length <= limit) {
    if (s.kind === 'record') {
      steps.push({ key: rest, shape: s.value, field: undefined, sent: name })
      break
    }
    if (s.kind !== 'object' && s.kind !== 'unknown') return { steps, ignored: rest }
    const dot = rest.indexOf('.')
    const word = dot < 0 ? rest : rest.slice(0, dot)
    const field = s.kind === 'object' ? fieldNamed(s, word, ignoreCase) : undefined
    if (s.kind === 'object' && !field) return { steps, ignored: rest }
    const member = field ? field.shape : s
    const sent = name.slice(0, name.length - rest.length) + word
    steps.push({ key: field?.key ?? word, shape: member, field, sent })
    if (dot < 0) break
    s = resolve(member)
    rest = rest.slice(dot + 1)
  }
  return { steps, ignored: undefined }
}

/**
 * The keys a name stands for: its members', then the words of a remainder no member takes,
 * split in dotted and in bracket (`a[b]`) notation, as other readers of the same name would.
 */
const keysOf = (path: NamePath): string[] => {
  const keys = path.steps.map((step) => step.key)
  if (path.ignored !== undefined)
    for (const word of path.ignored.split(/[.[\]]/)) if (word !== '') keys.push(word)
  return keys
}

/**
 * Refuses a name that would make a member `__proto__`, `constructor` or `prototype`, as JSON
 * refuses such a member: a dictionary key only when it is the whole key (`a.constructor` is
 * a key like any other), and an ignored remainder when any of its words is one.
 */
const checkName = (name: string, path: NamePath): void => {
  let pointer = ''
  for (const key of keysOf(path)) {
    pointer += `/${pointerToken(key)}`
    if (isForbiddenKey(key))
      throw new BodySyntaxError(`"${name}" names the forbidden member "${key}"`, pointer)
  }
}

/**
 * The JSON pointer of the member a flat name sets, read by the schema as `unflatten` reads it.
 *
 * @example
 * namePointer(shapeOf(Contact), 'customData.a.b') // '/customData/a.b' (a dictionary key)
 */
export const namePointer = (shape: Shape, name: string, ignoreCase = false): string =>
  keysOf(walkName(shape, name, Infinity, ignoreCase))
    .map((key) => `/${pointerToken(key)}`)
    .join('')

/** One cell being placed: its column name and text, and where its value goes. */
interface Cell {
  name: string
  text: string
  pointer: string
  depth: number
}

/** A cell's JSON text, read as a JSON body is, from the cell's depth on; or `NOT_JSON`. */
const cellJson = (ctx: Context, cell: Cell): unknown =>
  parseJsonText(cell.text, cell.pointer, { maxDepth: ctx.maxDepth, depth: cell.depth })

/** A cell holding a whole array, object or dictionary, with an example of its own kind. */
const jsonText = (ctx: Context, cell: Cell, kind: Shape['kind']): unknown => {
  const value = cellJson(ctx, cell)
  if (value === NOT_JSON) {
    const example = kind === 'array' ? '["a","b"]' : '{"key":"value"}'
    throw new BodySyntaxError(
      `"${cell.name}" must be JSON text, e.g. ${example}: the cell is not valid JSON`,
      cell.pointer,
    )
  }
  return value
}

/**
 * The number a free-form cell stands for: only text that is exactly how the number is written
 * (`String(n)`, as the CSV writer writes it). Other text that reads as a number would not
 * come back as written — `1.10` would be 1.1, `12345678901234567890` 12345678901234567000,
 * `1e400` Infinity — so it stays text.
 */
const exactNumber = (text: string): number | undefined => {
  const n = Number(text)
  return Number.isFinite(n) && String(n) === text ? n : undefined
}

/**
 * Free-form text: a number written as `String(n)` writes, `true`/`false` and JSON
 * arrays/objects come back typed (documented in csv.ts); everything else is text.
 */
const freeForm = (ctx: Context, cell: Cell): unknown => {
  const { text } = cell
  const plain = ctx.neutralised ? unneutralise(text) : undefined
  if (plain !== undefined) return plain
  if (text === 'true' || text === 'false') return text === 'true'
  const number = exactNumber(text)
  if (number !== undefined) return number
  if (text[0] !== '[' && text[0] !== '{') return text
  const value = cellJson(ctx, cell)
  return value === NOT_JSON ? text : value
}

const cellValue = (ctx: Context, shape: Shape, cell: Cell): unknown => {
  const s = resolve(shape)
  switch (s.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
      return coerceScalar(s, (ctx.neutralised ? unneutralise(cell.text) : undefined) ?? cell.text)
    case 'unknown':
      return freeForm(ctx, cell)
    default:
      return jsonText(ctx, cell, s.kind)
  }
}

const conflict = (cell: Cell) =>
  new BodySyntaxError(
    `"${cell.name}" conflicts with another field for the same member`,
    cell.pointer,
  )

/** Sets one member. An empty cell is absent, but a required field gets `''` or `null`. */
const leaf = (
  ctx: Context,
  target: Bag,
  key: string,
  shape: Shape,
  field: Field | undefined,
  cell: Cell,
) => {
  if (cell.text === '') {
    if (Object.hasOwn(target, key) || !field || field.optional) return
    if (field.nullable) target[key] = null
    else if (resolve(field.shape).kind === 'string') target[key] = ''
    return
  }
  if (Object.hasOwn(target, key)) throw conflict(cell)
  target[key] = cellValue(ctx, shape, cell)
}

/** The object at `target[key]`, created for a non-empty cell; a value there is a conflict. */
const descend = (ctx: Context, target: Bag, key: string, cell: Cell): Bag | undefined => {
  const create = cell.text !== ''
  if (Object.hasOwn(target, key)) {
    const existing = target[key]
    if (typeof existing === 'object' && existing !== null && ctx.bags.has(existing))
      return existing as Bag
    // An empty cell under a member that holds a value is just absent (a collection's columns
    // are a union: one item's `customData` may be text, another's an object).
    if (!create) return undefined
    throw conflict(cell)
  }
  if (!create) return undefined
  return (target[key] = bag(ctx))
}

const place = (ctx: Context, root: Bag, shape: Shape, name: string, text: string): void => {
  const path = walkName(shape, name, ctx.maxDepth, ctx.ignoreCase)
  checkName(name, path)
  const cell: Cell = { name, text, pointer: '', depth: 1 }
  let target = root
  const last = path.steps.length - 1
  for (const [i, step] of path.steps.entries()) {
    cell.depth = i + 1
    if (cell.depth > ctx.maxDepth) throw tooDeep(ctx, cell.pointer)
    cell.pointer += `/${pointerToken(step.key)}`
    if (path.ignored !== undefined) continue // a column for no field is ignored
    if (step.field && ctx.ignoreCase) {
      const earlier = ctx.sentAs.get(cell.pointer)
      if (earlier !== undefined && earlier !== step.sent)
        throw namedTwice(earlier, step.sent, cell.pointer)
      ctx.sentAs.set(cell.pointer, step.sent)
    }
    if (i === last) return leaf(ctx, target, step.key, step.shape, step.field, cell)
    const child = descend(ctx, target, step.key, cell)
    if (!child) return
    target = child
  }
}

/**
 * Builds the raw value a flat row describes, shaped and scalar-coerced by the schema (valibot
 * validates it afterwards). Names follow `flat.ts`: object fields by name, a dictionary takes
 * the whole remainder as its key (`Attributes.a.b` → key `a.b`), free-form splits on dots,
 * typed arrays and other non-scalar leaves are JSON text. Names that match no field are
 * ignored. A name that would make a member `__proto__`, `constructor` or `prototype` is a
 * syntax error, as such a JSON member is: a dictionary key only when it is the whole key
 * (`customData.a.constructor` sets the key `a.constructor`), a free-form member or a word of
 * an ignored name (`__proto__[x]`) wherever it is. Every object made here has no prototype.
 * With `ignoreCase`, fields match in any letter case, and two spellings of one member are
 * refused.
 *
 * @example
 * unflatten(shapeOf(Req), [['User.Age', '42'], ['Attributes.a.b', 'x']], { maxDepth: 32, neutralised: true })
 * // { User: { Age: 42 }, Attributes: { 'a.b': 'x' } }
 */
export const unflatten = (
  shape: Shape,
  cells: Iterable<readonly [name: string, text: string]>,
  options: UnflattenOptions,
): Bag => {
  const ctx: Context = { ...options, bags: new Set(), sentAs: new Map() }
  const root = bag(ctx)
  const empty: string[] = []
  for (const [name, text] of cells) {
    if (text === '') empty.push(name)
    else place(ctx, root, shape, name, text)
  }
  // Empty cells last: they may fill required fields of objects that other cells created.
  for (const name of empty) place(ctx, root, shape, name, '')
  return root
}
