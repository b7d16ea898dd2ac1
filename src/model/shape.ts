import type * as v from 'valibot'

/**
 * The part of a valibot schema that serializers and body parsers need, normalised once per
 * schema: pipes, optional/nullable wrappers and lazy references are resolved into one tree.
 * Recursive schemas (`v.lazy`) stay lazy here — `ref` nodes are resolved on demand, so walkers
 * follow the data and never loop on the schema alone.
 */
export type Shape =
  | { kind: 'string'; format?: 'date-time' }
  | { kind: 'number'; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'enum'; options: readonly string[] }
  | { kind: 'unknown' }
  | { kind: 'object'; name: string | undefined; fields: readonly Field[] }
  | { kind: 'array'; item: Shape }
  | { kind: 'record'; value: Shape }
  | { kind: 'ref'; resolve: () => Shape }

export interface Field {
  key: string
  shape: Shape
  optional: boolean
  nullable: boolean
  writeOnly: boolean
}

type AnySchema = v.GenericSchema & {
  type: string
  pipe?: readonly { kind: string; type: string; [key: string]: unknown }[]
  [key: string]: unknown
}

interface Unwrapped {
  schema: AnySchema
  optional: boolean
  nullable: boolean
  writeOnly: boolean
  title: string | undefined
  format: 'date-time' | undefined
  integer: boolean
}

const cache = new WeakMap<object, Shape>()

/** Reads the actions of a pipe, including pipes nested as its first item (`pipe(pipe(...))`). */
const collect = (schema: AnySchema, out: Unwrapped): void => {
  for (const item of schema.pipe ?? []) {
    if (item.kind === 'schema' && item !== schema) collect(item as unknown as AnySchema, out)
    else if (item.type === 'metadata') {
      if ((item.metadata as { writeOnly?: boolean }).writeOnly) out.writeOnly = true
    } else if (item.type === 'title') out.title ??= item.title as string
    else if (item.type === 'iso_timestamp' || item.type === 'iso_date_time')
      out.format = 'date-time'
    else if (item.type === 'integer' || item.type === 'safe_integer') out.integer = true
  }
}

/** Peels pipes and optional/nullable wrappers, collecting what they say about the value. */
const unwrap = (input: v.GenericSchema): Unwrapped => {
  let schema = input as AnySchema
  const out: Unwrapped = {
    schema,
    optional: false,
    nullable: false,
    writeOnly: false,
    title: undefined,
    format: undefined,
    integer: false,
  }
  for (;;) {
    collect(schema, out)
    if (
      schema.type === 'optional' ||
      schema.type === 'exact_optional' ||
      schema.type === 'undefinedable'
    ) {
      out.optional = true
      schema = schema.wrapped as AnySchema
    } else if (schema.type === 'nullable') {
      out.nullable = true
      schema = schema.wrapped as AnySchema
    } else if (schema.type === 'nullish') {
      out.optional = true
      out.nullable = true
      schema = schema.wrapped as AnySchema
    } else {
      out.schema = schema
      return out
    }
  }
}

const build = (u: Unwrapped): Shape => {
  const s = u.schema
  switch (s.type) {
    case 'string':
      return u.format ? { kind: 'string', format: u.format } : { kind: 'string' }
    case 'number':
      return { kind: 'number', integer: u.integer }
    case 'boolean':
      return { kind: 'boolean' }
    case 'picklist':
      return { kind: 'enum', options: (s.options as readonly unknown[]).map(String) }
    case 'object':
    case 'strict_object':
    case 'loose_object': {
      const entries = s.entries as Record<string, v.GenericSchema>
      const fields = Object.entries(entries).map(([key, entry]): Field => {
        const f = unwrap(entry)
        return {
          key,
          shape: shapeOf(entry),
          optional: f.optional,
          nullable: f.nullable,
          writeOnly: f.writeOnly,
        }
      })
      return { kind: 'object', name: u.title, fields }
    }
    case 'array':
      return { kind: 'array', item: shapeOf(s.item as v.GenericSchema) }
    case 'record':
      return { kind: 'record', value: shapeOf(s.value as v.GenericSchema) }
    case 'lazy': {
      const getter = s.getter as (input: unknown) => v.GenericSchema
      return { kind: 'ref', resolve: () => shapeOf(getter(undefined)) }
    }
    default:
      return { kind: 'unknown' }
  }
}

/**
 * The normalised shape of a schema, cached per schema object.
 *
 * @example
 * shapeOf(v.object({ n: v.optional(v.number()) })) // { kind: 'object', fields: [{ key: 'n', ... }] }
 */
export const shapeOf = (schema: v.GenericSchema): Shape => {
  const hit = cache.get(schema)
  if (hit) return hit
  const shape = build(unwrap(schema))
  cache.set(schema, shape)
  return shape
}

/** Follows `ref` nodes until a concrete shape. */
export const resolve = (shape: Shape): Exclude<Shape, { kind: 'ref' }> => {
  let s = shape
  while (s.kind === 'ref') s = s.resolve()
  return s
}

/** The type name of a schema (its `v.title`), if it has one. */
export const typeName = (schema: v.GenericSchema): string | undefined => {
  const s = resolve(shapeOf(schema))
  return s.kind === 'object' ? s.name : undefined
}
