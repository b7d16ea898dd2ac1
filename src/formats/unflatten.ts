import { resolve, type Field, type Shape } from '../model/shape.ts'
import { coerceScalar, isForbiddenKey, pointerToken } from './coerce.ts'
import { fieldNamed, namedTwice } from './field-names.ts'
import { unneutralise } from './flat.ts'
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

const NUMBER: Shape = { kind: 'number', integer: false }

// Prototype-less: a dictionary key such as `toString` is then just a key, never an inherited member.
const bag = (ctx: Context): Bag => {
  const created = Object.create(null) as Bag
  ctx.bags.add(created)
  return created
}

const tooDeep = (ctx: Context, pointer: string) =>
  new BodySyntaxError(`the body is nested deeper than ${ctx.maxDepth} levels`, pointer)

/** Rejects names that could reach a prototype, in dotted and in bracket (`a[b]`) notation. */
const checkName = (name: string): void => {
  let pointer = ''
  for (const token of name.split(/[.[\]]/)) {
    pointer += `/${pointerToken(token)}`
    if (isForbiddenKey(token))
      throw new BodySyntaxError(`"${name}" names the forbidden member "${token}"`, pointer)
  }
}

const checkJson = (ctx: Context, value: unknown, pointer: string, depth: number): unknown => {
  if (depth > ctx.maxDepth) throw tooDeep(ctx, pointer)
  if (Array.isArray(value))
    value.forEach((item, i) => checkJson(ctx, item, `${pointer}/${i}`, depth + 1))
  else if (typeof value === 'object' && value !== null)
    for (const [key, member] of Object.entries(value)) {
      const at = `${pointer}/${pointerToken(key)}`
      if (isForbiddenKey(key)) throw new BodySyntaxError(`forbidden member "${key}"`, at)
      checkJson(ctx, member, at, depth + 1)
    }
  return value
}

/** One cell being placed: its column name and text, and where its value goes. */
interface Cell {
  name: string
  text: string
  pointer: string
  depth: number
}

const FAILED = Symbol('not JSON')
const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return FAILED
  }
}

const jsonText = (ctx: Context, cell: Cell): unknown => {
  const value = tryJson(cell.text)
  if (value === FAILED)
    throw new BodySyntaxError(
      `"${cell.name}" must be JSON text, e.g. ["a","b"]: the cell is not valid JSON`,
      cell.pointer,
    )
  return checkJson(ctx, value, cell.pointer, cell.depth)
}

/** Free-form text: numbers, booleans and JSON arrays/objects come back typed (documented). */
const freeForm = (ctx: Context, cell: Cell): unknown => {
  const { text } = cell
  const plain = ctx.neutralised ? unneutralise(text) : undefined
  if (plain !== undefined) return plain
  if (text === 'true' || text === 'false') return text === 'true'
  const number = coerceScalar(NUMBER, text)
  if (typeof number === 'number') return number
  if (text[0] !== '[' && text[0] !== '{') return text
  const value = tryJson(text)
  return value === FAILED ? text : checkJson(ctx, value, cell.pointer, cell.depth)
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
      return jsonText(ctx, cell)
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
  checkName(name)
  const cell: Cell = { name, text, pointer: '', depth: 1 }
  let s = resolve(shape)
  let target = root
  let rest = name
  for (; ; cell.depth++) {
    if (cell.depth > ctx.maxDepth) throw tooDeep(ctx, cell.pointer)
    // A dictionary key is the whole remainder: keys may contain dots.
    if (s.kind === 'record') {
      cell.pointer += `/${pointerToken(rest)}`
      return leaf(ctx, target, rest, s.value, undefined, cell)
    }
    if (s.kind !== 'object' && s.kind !== 'unknown') return
    const dot = rest.indexOf('.')
    const sent = dot < 0 ? rest : rest.slice(0, dot)
    const field = s.kind === 'object' ? fieldNamed(s, sent, ctx.ignoreCase) : undefined
    if (s.kind === 'object' && !field) return // a column for no field is ignored
    const key = field?.key ?? sent
    const member = field ? field.shape : s
    cell.pointer += `/${pointerToken(key)}`
    if (field && ctx.ignoreCase) {
      const spelled = name.slice(0, name.length - rest.length) + sent
      const earlier = ctx.sentAs.get(cell.pointer)
      if (earlier !== undefined && earlier !== spelled)
        throw namedTwice(earlier, spelled, cell.pointer)
      ctx.sentAs.set(cell.pointer, spelled)
    }
    if (dot < 0) return leaf(ctx, target, key, member, field, cell)
    const next = resolve(member)
    if (next.kind !== 'object' && next.kind !== 'record' && next.kind !== 'unknown') return
    const child = descend(ctx, target, key, cell)
    if (!child) return
    target = child
    s = next
    rest = rest.slice(dot + 1)
  }
}

/**
 * Builds the raw value a flat row describes, shaped and scalar-coerced by the schema (valibot
 * validates it afterwards). Names follow `flat.ts`: object fields by name, a dictionary takes
 * the whole remainder as its key (`Attributes.a.b` → key `a.b`), free-form splits on dots,
 * typed arrays and other non-scalar leaves are JSON text. Names that match no field (in any
 * letter case with `ignoreCase`, two spellings of one member refused) are ignored;
 * `__proto__`, `constructor` and `prototype` anywhere in a name are a syntax error.
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
