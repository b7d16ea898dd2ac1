import { resolve, type Field, type Shape } from '../model/shape.ts'
import { isForbiddenKey, pointerToken } from './coerce.ts'
import { BodySyntaxError } from './types.ts'

type ObjectShape = Extract<Shape, { kind: 'object' }>

const exact = new WeakMap<ObjectShape, Map<string, Field>>()
const folded = new WeakMap<ObjectShape, Map<string, Field>>()

const mapOf = (
  cache: WeakMap<ObjectShape, Map<string, Field>>,
  shape: ObjectShape,
  name: (key: string) => string,
): Map<string, Field> => {
  let map = cache.get(shape)
  if (!map) {
    // The first field wins a folded name two fields share; the other's exact name finds it.
    map = new Map()
    for (const field of shape.fields) if (!map.has(name(field.key))) map.set(name(field.key), field)
    cache.set(shape, map)
  }
  return map
}

/**
 * The field of an object shape that `name` names: by its exact name or, with `ignoreCase`
 * (ServiceStack binds request DTOs so), in any letter case.
 *
 * @example
 * fieldNamed(shapeOfRequest, 'emailaddress', true)?.key // 'EmailAddress'
 */
export const fieldNamed = (
  shape: ObjectShape,
  name: string,
  ignoreCase = false,
): Field | undefined =>
  mapOf(exact, shape, (key) => key).get(name) ??
  (ignoreCase
    ? mapOf(folded, shape, (key) => key.toLowerCase()).get(name.toLowerCase())
    : undefined)

/** Two names in a body that name one member in different letter cases. */
export const namedTwice = (first: string, second: string, pointer: string): BodySyntaxError =>
  new BodySyntaxError(`"${first}" and "${second}" name the same member; send it once`, pointer)

/**
 * A parsed JSON value with its object members renamed to the schema's spelling where they
 * name a field in another letter case (`emailAddress` → `EmailAddress`), following the shape
 * into nested objects, arrays and dictionary values (dictionary keys stay as sent). Members
 * that name no field stay. Two members that name one field are a `BodySyntaxError`.
 *
 * @example
 * withFieldNames(shapeOf(Request), { emailaddress: 'a@example.com' })
 * // { EmailAddress: 'a@example.com' }
 */
export const withFieldNames = (shape: Shape, value: unknown, pointer = ''): unknown => {
  if (typeof value !== 'object' || value === null) return value
  const s = resolve(shape)
  if (s.kind === 'array' && Array.isArray(value))
    return value.map((item, i) => withFieldNames(s.item, item, `${pointer}/${i}`))
  if (Array.isArray(value)) return value
  if (s.kind === 'record') {
    const out: Record<string, unknown> = {}
    for (const [key, member] of Object.entries(value))
      out[key] = withFieldNames(s.value, member, `${pointer}/${pointerToken(key)}`)
    return out
  }
  if (s.kind !== 'object') return value
  const out: Record<string, unknown> = {}
  const sentAs = new Map<string, string>()
  for (const [key, member] of Object.entries(value)) {
    const field = fieldNamed(s, key, true)
    const name = field?.key ?? key
    const at = `${pointer}/${pointerToken(name)}`
    if (isForbiddenKey(name)) throw new BodySyntaxError(`member "${key}" is not allowed`, at)
    const earlier = sentAs.get(name)
    if (earlier !== undefined) throw namedTwice(earlier, key, at)
    sentAs.set(name, key)
    out[name] = field ? withFieldNames(field.shape, member, at) : member
  }
  return out
}
