import {
  COMPONENTS,
  dereferenced,
  type JsonSchema,
  refName,
  type SchemaSet,
} from './json-schemas.ts'

/** One row of a ServiceStack parameter table. */
export interface ParameterRow {
  name: string
  /** Where it travels: `path`, `query`, `body`, or `form` for a response member. */
  parameter: string
  dataType: string
  required: boolean
  description: string
}

/** One table: a type's name and its members. */
export interface TypeTable {
  name: string
  rows: ParameterRow[]
}

/**
 * The .NET-style name ServiceStack's pages use for a schema: `string`, `int`, `double`, `bool`,
 * `DateTime`, `Dictionary<string, T>`, `List<T>`, or the type's own name.
 *
 * @example
 * dataType({ type: 'array', items: { $ref: '#/components/schemas/CognitoUser' } }) // 'List<CognitoUser>'
 */
export const dataType = (s: JsonSchema): string => {
  if (s.$ref?.startsWith(COMPONENTS)) return refName(s.$ref)
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
  const sub = (x: unknown) => (typeof x === 'object' && x ? dataType(x as JsonSchema) : 'object')
  switch (type) {
    case 'string':
      return s.format === 'date-time' ? 'DateTime' : 'string'
    case 'integer':
      return 'int'
    case 'number':
      return 'double'
    case 'boolean':
      return 'bool'
    case 'array':
      return `List<${sub(s.items)}>`
    case 'object':
      return s.properties || !s.additionalProperties
        ? 'object'
        : `Dictionary<string, ${sub(s.additionalProperties)}>`
    default:
      return s.anyOf || s.oneOf ? sub((s.anyOf ?? s.oneOf)!.find((o) => o !== true)) : 'object'
  }
}

/**
 * What the table's description column says: the schema's words, then its rules (those of the
 * schema besides `null`, for a member that may be null: `anyOf: [X, {type: 'null'}]`).
 */
const describe = (member: JsonSchema): string => {
  const options = member.anyOf ?? member.oneOf
  const inner = options?.filter((o) => o !== true && (o as JsonSchema).type !== 'null')
  const s =
    inner?.length === 1 && typeof inner[0] === 'object'
      ? { ...(inner[0] as JsonSchema), description: member.description ?? inner[0].description }
      : member
  const notes: string[] = []
  if (s.description) notes.push(s.description)
  if (s.writeOnly) notes.push('Write-only: accepted in requests, never shown.')
  if (s.enum) notes.push(`One of: ${s.enum.map(String).join(', ')}.`)
  if (s.format && s.format !== 'date-time') notes.push(`Format: ${s.format}.`)
  if (s.pattern) notes.push(`Pattern: ${s.pattern}`)
  for (const rule of s.allOf ?? [])
    if (typeof rule === 'object' && rule.pattern) notes.push(`Pattern: ${rule.pattern}`)
  const chars = (n: number) => `${n} character${n === 1 ? '' : 's'}`
  if (s.minLength !== undefined) notes.push(`At least ${chars(s.minLength)}.`)
  if (s.maxLength !== undefined) notes.push(`At most ${chars(s.maxLength)}.`)
  if (s.maxProperties !== undefined) notes.push(`At most ${s.maxProperties} entries.`)
  if (s.default !== undefined) notes.push(`Default: ${String(s.default)}.`)
  return notes.join(' ')
}

/**
 * The members of an object schema (a named one through its component) as rows.
 *
 * @example
 * rowsOf(set.of(CreateAmazonUser), set, 'body')[0] // { name: 'accessToken', parameter: 'body', dataType: 'string', required: true, … }
 */
export const rowsOf = (schema: JsonSchema, set: SchemaSet, parameter: string): ParameterRow[] => {
  const target = dereferenced(schema, set)
  const required = new Set(target?.required ?? [])
  return Object.entries(target?.properties ?? {}).map(([name, property]) => {
    const p = typeof property === 'object' ? property : {}
    return {
      name,
      parameter,
      dataType: dataType(p),
      required: required.has(name),
      description: describe(p),
    }
  })
}

/** Named types and inline objects a schema uses, each once, in the order they are met. */
const nested = (
  schema: JsonSchema,
  owner: string,
  set: SchemaSet,
  out: Map<string, JsonSchema>,
) => {
  const visit = (s: unknown, name: string): void => {
    if (typeof s !== 'object' || s === null) return
    const node = s as JsonSchema
    if (node.$ref?.startsWith(COMPONENTS)) {
      const ref = refName(node.$ref)
      const target = set.components[ref]
      if (target && !out.has(ref)) {
        out.set(ref, target)
        for (const [key, p] of Object.entries(target.properties ?? {})) visit(p, `${ref}.${key}`)
      }
      return
    }
    if (node.properties && name !== owner) out.set(name, node)
    for (const [key, p] of Object.entries(node.properties ?? {})) visit(p, `${name}.${key}`)
    visit(node.items, name)
    visit(node.additionalProperties, name)
    for (const option of node.anyOf ?? node.oneOf ?? []) visit(option, name)
  }
  visit(schema, owner)
}

/**
 * The tables of a response (or request) type and of every type it uses, as ServiceStack lists
 * them: the type itself first, then each named type once (recursive ones too), then inline
 * objects under their member's path (`problem.details`).
 *
 * @example
 * typeTables(set.of(CognitoSendConfirmCodeResponse), set, 'form').map((t) => t.name)
 * // ['CognitoSendConfirmCodeResponse', 'CognitoUser', 'CognitoUserSession', 'CognitoDevice', 'CognitoUserPool']
 */
export const typeTables = (schema: JsonSchema, set: SchemaSet, parameter: string): TypeTable[] => {
  const found = new Map<string, JsonSchema>()
  const rootName = schema.$ref ? refName(schema.$ref) : 'Response'
  nested(schema, rootName, set, found)
  if (!schema.$ref) found.set(rootName, schema)
  const names = [rootName, ...[...found.keys()].filter((n) => n !== rootName)]
  return names.map((name) => ({ name, rows: rowsOf(found.get(name)!, set, parameter) }))
}
