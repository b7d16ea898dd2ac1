import type * as v from 'valibot'

type AnySchema = v.GenericSchema & {
  type: string
  pipe?: readonly { kind: string; type: string; title?: string }[]
  [key: string]: unknown
}

const isSchema = (value: unknown): value is AnySchema =>
  typeof value === 'object' && value !== null && (value as AnySchema).kind === 'schema'

/**
 * The `v.title` of a schema's own pipe: what `named()` gives a type.
 *
 * @example
 * titleOf(named('AmazonUser', v.object({}))) // 'AmazonUser'
 */
export const titleOf = (schema: v.GenericSchema): string | undefined =>
  (schema as AnySchema).pipe?.find((item) => item.type === 'title')?.title

/** The schemas nested in one schema, wherever valibot keeps them. */
const children = (s: AnySchema, getters: Set<unknown>): AnySchema[] => {
  const out: unknown[] = []
  for (const item of s.pipe ?? []) if (item !== s && isSchema(item)) out.push(item)
  for (const key of ['wrapped', 'item', 'key', 'value', 'rest']) out.push(s[key])
  if (s.entries) out.push(...Object.values(s.entries as Record<string, unknown>))
  if (Array.isArray(s.options)) out.push(...(s.options as unknown[]))
  if (Array.isArray(s.items)) out.push(...(s.items as unknown[]))
  // A lazy schema is unwrapped once per getter: that is what stops recursive types.
  if (s.type === 'lazy' && !getters.has(s.getter)) {
    getters.add(s.getter)
    out.push((s.getter as (input: unknown) => unknown)(undefined))
  }
  return out.filter(isSchema)
}

/**
 * Every named type (`named('AmazonUser', …)`) reachable from the given schemas, by name, in
 * first-reached order; recursive types (`v.lazy`) are followed once. Two different schemas
 * with one name get `Name2`, `Name3`…, so each component has one meaning.
 *
 * @example
 * namedTypes([CognitoSendConfirmCodeResponse])
 * // Map { 'CognitoSendConfirmCodeResponse' => …, 'CognitoUser' => …, 'CognitoUserSession' => …, … }
 */
export const namedTypes = (roots: readonly v.GenericSchema[]): Map<string, v.GenericSchema> => {
  const byName = new Map<string, v.GenericSchema>()
  const seen = new Set<unknown>()
  const getters = new Set<unknown>()
  const visit = (schema: AnySchema): void => {
    if (seen.has(schema)) return
    seen.add(schema)
    const title = titleOf(schema)
    if (title !== undefined) {
      let name = title
      for (let n = 2; byName.has(name); n++) name = `${title}${n}`
      byName.set(name, schema)
    }
    for (const child of children(schema, getters)) visit(child)
  }
  for (const root of roots) visit(root as AnySchema)
  return byName
}
