import { resolve, type Shape } from '../model/shape.ts'
import { dateText, SerializationError } from './types.ts'

/**
 * The value as the schema lets it be seen: write-only members dropped, unknown members of
 * typed objects dropped, dates as ISO 8601 text, free-form (`unknown`) data copied as JSON data.
 * Follows the data, not the schema, so recursive types stop where the data stops, and an array
 * where an object or a dictionary belongs (stored by hand) stays an array, each item projected
 * as the object or a dictionary value; `maxDepth` bounds runaway or cyclic data.
 *
 * @example
 * project(shapeOf(AmazonUser), user, 32) // { _id, createdAt, ... } without the tokens
 */
export const project = (shape: Shape, value: unknown, maxDepth: number, depth = 0): unknown => {
  if (value === undefined || value === null) return value
  if (depth > maxDepth) throw new SerializationError(`data nested deeper than ${maxDepth} levels`)
  const s = resolve(shape)
  switch (s.kind) {
    case 'object': {
      if (typeof value !== 'object') return value
      if (Array.isArray(value)) return value.map((item) => project(s, item, maxDepth, depth + 1))
      const source = value as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const field of s.fields) {
        if (field.writeOnly) continue
        const member = source[field.key]
        if (member !== undefined) out[field.key] = project(field.shape, member, maxDepth, depth + 1)
      }
      return out
    }
    case 'array':
      if (!Array.isArray(value)) return value
      return value.map((item) => project(s.item, item, maxDepth, depth + 1))
    case 'record': {
      if (typeof value !== 'object') return value
      if (Array.isArray(value))
        return value.map((item) => project(s.value, item, maxDepth, depth + 1))
      const out: Record<string, unknown> = {}
      for (const [key, member] of Object.entries(value)) {
        if (member !== undefined) put(out, key, project(s.value, member, maxDepth, depth + 1))
      }
      return out
    }
    case 'unknown':
      return freeForm(value, maxDepth, depth)
    default:
      return value instanceof Date ? dateText(value) : value
  }
}

/**
 * `out[key] = value`, except that a `__proto__` key stays data, as `JSON.parse` makes it: an
 * own member written out like any other, never the copy's prototype.
 */
const put = (out: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

const freeForm = (value: unknown, maxDepth: number, depth: number): unknown => {
  if (depth > maxDepth) throw new SerializationError(`data nested deeper than ${maxDepth} levels`)
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return dateText(value)
  if (Array.isArray(value)) return value.map((item) => freeForm(item, maxDepth, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) put(out, key, freeForm(member, maxDepth, depth + 1))
  }
  return out
}
