import type * as v from 'valibot'

type AnySchema = v.GenericSchema & {
  type: string
  pipe?: readonly { kind: string; type: string; metadata?: { writeOnly?: boolean } }[]
  [key: string]: unknown
}

const isSchema = (value: unknown): value is AnySchema =>
  typeof value === 'object' && value !== null && (value as AnySchema).kind === 'schema'

const views = new WeakMap<object, v.GenericSchema>()

const isWriteOnlyMark = (item: { type: string; metadata?: { writeOnly?: boolean } }) =>
  item.type === 'metadata' && item.metadata?.writeOnly === true

/**
 * The schema as a request body sees it: the same tree without its `writeOnly()` marks, for the
 * serializers to write sample requests with. A request carries write-only members (the Alexa
 * tokens) that no representation may show, and the serializers drop them by design, so a
 * sample request is written through this view. Only serializers read it (through `shapeOf`),
 * never validation; views are cached per schema, so recursive types stay one graph.
 *
 * @example
 * json.serialize(inputView(CreateAmazonUser), { accessToken: 'a', refreshToken: 'r' }, context)
 * // '{"accessToken":"a","refreshToken":"r"}'
 */
export const inputView = <TSchema extends v.GenericSchema>(schema: TSchema): TSchema => {
  const hit = views.get(schema)
  if (hit) return hit as TSchema
  const s = schema as unknown as AnySchema
  const copy: Record<string, unknown> = { ...s }
  views.set(schema, copy as unknown as v.GenericSchema)
  const view = (child: unknown) => (isSchema(child) ? inputView(child) : child)
  if (s.pipe) {
    copy.pipe = s.pipe
      .filter((item) => !isWriteOnlyMark(item))
      .map((item) => (item === s ? copy : view(item)))
  }
  for (const key of ['wrapped', 'item', 'key', 'value', 'rest']) {
    if (isSchema(s[key])) copy[key] = view(s[key])
  }
  if (s.entries) {
    const entries = s.entries as Record<string, unknown>
    copy.entries = Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, view(e)]))
  }
  if (Array.isArray(s.options)) copy.options = (s.options as unknown[]).map(view)
  if (s.type === 'lazy') {
    const getter = s.getter as (input: unknown) => v.GenericSchema
    copy.getter = (input: unknown) => inputView(getter(input))
  }
  return copy as unknown as TSchema
}
