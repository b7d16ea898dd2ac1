import * as v from 'valibot'

/**
 * Metadata the gateway reads from a schema's pipe. Declared with `v.metadata(...)` so the
 * schema stays a plain valibot schema that validates as usual.
 */
export interface GatewayMetadata {
  /** Accepted on input, never emitted in any representation (secrets). */
  writeOnly?: boolean
}

/**
 * Marks a schema as write-only: requests may carry it, no representation ever shows it.
 *
 * @example
 * const AmazonUserInput = v.object({ accessToken: writeOnly(v.string()) })
 */
export const writeOnly = <TSchema extends v.GenericSchema>(schema: TSchema) =>
  v.pipe(schema, v.metadata({ writeOnly: true }))

/**
 * Gives an object schema its type name: the XML root element, the HAL/OpenAPI name.
 *
 * @example
 * const AmazonUser = named('AmazonUser', v.object({ _id: v.string() }))
 */
export const named = <TSchema extends v.GenericSchema>(name: string, schema: TSchema) =>
  v.pipe(schema, v.title(name))
