import { resolve, type Field, type Shape } from '../model/shape.ts'

type ObjectShape = Extract<Shape, { kind: 'object' }>

const isPlain = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * True when `project(shape, value, maxDepth)` would give back `value` itself, member for
 * member and in the same key order: no write-only or unknown members, no dates, no objects that
 * are not plain data, nothing deeper than `maxDepth`. Then `JSON.stringify(value)` is already
 * the JSON of the projection, and the copy `project` makes can be skipped. Reads only, never
 * allocates; any doubt answers false, and the caller projects as before.
 *
 * @example
 * isProjection(shapeOf(AmazonUser), { _id: 'u1' }, 32) // true
 * isProjection(shapeOf(AmazonUser), { _id: 'u1', accessToken: 'secret' }, 32) // false
 */
export const isProjection = (
  shape: Shape,
  value: unknown,
  maxDepth: number,
  depth = 0,
): boolean => {
  if (value === undefined || value === null) return true
  if (depth > maxDepth) return false
  if (typeof value !== 'object') return true
  if (!Array.isArray(value) && !isPlain(value)) return false
  const s = resolve(shape)
  switch (s.kind) {
    case 'object':
      // `project` copies an array's indexes into an object: not the same value.
      return (
        !Array.isArray(value) && sameObject(s, value as Record<string, unknown>, maxDepth, depth)
      )
    case 'array':
      // `project` passes a non-array through untouched.
      if (!Array.isArray(value)) return true
      for (const item of value) if (!isProjection(s.item, item, maxDepth, depth + 1)) return false
      return true
    case 'record':
      if (Array.isArray(value)) return false
      for (const key in value) {
        const member = (value as Record<string, unknown>)[key]
        if (!isProjection(s.value, member, maxDepth, depth + 1)) return false
      }
      return true
    case 'unknown':
      return sameFree(value, maxDepth, depth)
    default:
      // A scalar shape holding an object: `project` passes it through as it is.
      return true
  }
}

const sameObject = (
  s: ObjectShape,
  value: Record<string, unknown>,
  maxDepth: number,
  depth: number,
): boolean => {
  // `project` drops unknown members and writes the others in schema order, so the value's keys
  // must be fields in that order: one cursor over the fields finds each (cheaper than a lookup
  // per key), and runs off the end at a key that is unknown or out of order.
  const fields = s.fields
  let i = 0
  for (const key in value) {
    const member = value[key]
    if (member === undefined) continue
    while (i < fields.length && fields[i]!.key !== key) i++
    if (i === fields.length) return false
    const field: Field = fields[i++]!
    if (field.writeOnly) return false
    if (typeof member !== 'object') {
      if (depth + 1 > maxDepth) return false
    } else if (!isProjection(field.shape, member, maxDepth, depth + 1)) return false
  }
  return true
}

const sameFree = (value: unknown, maxDepth: number, depth: number): boolean => {
  if (depth > maxDepth) return false
  if (value === null || typeof value !== 'object') return true
  if (!Array.isArray(value) && !isPlain(value)) return false
  for (const key in value) {
    if (!sameFree((value as Record<string, unknown>)[key], maxDepth, depth + 1)) return false
  }
  return true
}
