import {
  type ConversionConfig,
  type JsonSchema,
  toJsonSchema,
  toJsonSchemaDefs,
} from '@valibot/to-json-schema'
import type * as v from 'valibot'
import { namedTypes } from './named-types.ts'

export type { JsonSchema }

/** The JSON Schemas of a set of valibot schemas, named types shared as components. */
export interface SchemaSet {
  /** `components.schemas`: every named type, by name. */
  components: Record<string, JsonSchema>
  /** The JSON Schema of one schema: a `$ref` for a named type, inline otherwise. */
  of(schema: v.GenericSchema): JsonSchema
}

export const COMPONENTS = '#/components/schemas/'

/**
 * The component name a `$ref` points to.
 *
 * @example
 * refName('#/components/schemas/CognitoUser') // 'CognitoUser'
 */
export const refName = (ref: string): string =>
  decodeURIComponent(ref.slice(COMPONENTS.length)).replaceAll('~1', '/').replaceAll('~0', '~')

/**
 * A schema as it is: the component its `$ref` names, or itself; undefined for a reference to
 * no component.
 *
 * @example
 * dereferenced({ $ref: '#/components/schemas/CognitoUser' }, set)?.properties // { UserID: …, … }
 */
export const dereferenced = (
  schema: JsonSchema,
  set: Pick<SchemaSet, 'components'>,
): JsonSchema | undefined => (schema.$ref ? set.components[refName(schema.$ref)] : schema)

const pointerTo = (name: string): string =>
  COMPONENTS + encodeURIComponent(name.replaceAll('~', '~0').replaceAll('/', '~1'))

/** `required: []` says nothing; the converter writes it for every all-optional object. */
const tidy = (schema: JsonSchema): JsonSchema => {
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return
    if (Array.isArray(node)) return node.forEach(walk)
    const record = node as Record<string, unknown>
    if (Array.isArray(record.required) && record.required.length === 0) delete record.required
    Object.values(record).forEach(walk)
  }
  walk(schema)
  return schema
}

/**
 * Converts schemas with `@valibot/to-json-schema` into OpenAPI 3.1's dialect (JSON Schema
 * 2020-12). Named types become components and every use of one — a recursive `v.lazy`
 * included — a `$ref` by name, so recursion ends in a reference instead of looping (left to
 * itself the converter would call them `0`, `1`…). A pipe's regexes after its first, which
 * JSON Schema's one `pattern` cannot hold, are each a `pattern` of `allOf`. A rule after a
 * normalising `transform` would describe the normalised text, not what a client may send, so
 * the models check text as sent (a phone number's pattern allows its spaces and dashes).
 * `v.metadata` keys are JSON Schema keywords: `writeOnly()` comes out as `writeOnly: true`, a
 * rule a `check` enforces is said with one (`anyOf` of `required`), and actions JSON Schema
 * cannot say (`trim`, `transform`, a `check`'s size of JSON text) are left out rather than
 * failing the document; a `description` says them.
 *
 * @example
 * const set = schemaSet([AmazonUsers])
 * set.of(AmazonUsers) // { $ref: '#/components/schemas/AmazonUsers' }
 * set.components.AmazonUser.properties.accessToken // { type: 'string', writeOnly: true }
 */
export const schemaSet = (roots: readonly v.GenericSchema[]): SchemaSet => {
  const definitions = Object.fromEntries(namedTypes(roots)) as Record<string, v.GenericSchema>
  const config: ConversionConfig = {
    target: 'draft-2020-12',
    typeMode: 'ignore',
    errorMode: 'ignore',
    overrideRef: ({ referenceId }) => pointerTo(referenceId),
    overrideAction: ({ valibotAction, jsonSchema }) => {
      // JSON Schema has one `pattern`, and the converter drops every later regex of a pipe
      // (a header value's Latin-1 rule): those must hold too, so each is one of `allOf`.
      if (valibotAction.type !== 'regex') return undefined
      const { source } = (valibotAction as v.RegexAction<string, string>).requirement
      if (jsonSchema.pattern === source) return undefined
      return { ...jsonSchema, allOf: [...(jsonSchema.allOf ?? []), { pattern: source }] }
    },
  }
  const components = tidy(toJsonSchemaDefs(definitions, config) as JsonSchema) as Record<
    string,
    JsonSchema
  >
  const of = (schema: v.GenericSchema): JsonSchema => {
    const { $schema: _s, $defs, ...json } = toJsonSchema(schema, { ...config, definitions })
    // Types met only here (an unnamed recursive one) join the components.
    for (const [name, def] of Object.entries($defs ?? {})) {
      if (!(name in components) && typeof def === 'object') components[name] = tidy(def)
    }
    return tidy(json)
  }
  return { components, of }
}
