import { COMPONENTS, type JsonSchema, refName } from './json-schemas.ts'

/** The fixed instant of every sample, as the fixtures use. */
export const SAMPLE_TIME = '2026-01-02T03:04:05.000Z'

const FORMATS: Record<string, string> = {
  'date-time': SAMPLE_TIME,
  date: SAMPLE_TIME.slice(0, 10),
  time: SAMPLE_TIME.slice(11, 19),
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000001',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
}

// Strings tried against a `pattern`, most readable first; ServiceStack's placeholder is
// "String", ours the same in lower case.
const CANDIDATES = ['string', '123456', '0', 'a', 'A', 'en', 'example', 'sample-1', '+1234567890']

const stringSample = (s: JsonSchema): string => {
  const known = s.format === undefined ? undefined : FORMATS[s.format]
  if (known !== undefined) return known
  let text =
    (s.pattern === undefined
      ? undefined
      : CANDIDATES.find((c) => {
          try {
            return new RegExp(s.pattern!, 'u').test(c)
          } catch {
            return false
          }
        })) ?? 'string'
  if (s.minLength !== undefined && text.length < s.minLength) text = text.padEnd(s.minLength, 'x')
  if (s.maxLength !== undefined) text = text.slice(0, s.maxLength)
  return text
}

const numberSample = (s: JsonSchema): number => {
  if (s.minimum !== undefined) return s.minimum
  if (s.exclusiveMinimum !== undefined) return s.exclusiveMinimum + 1
  if (s.maximum !== undefined && s.maximum < 0) return s.maximum
  return 0
}

const firstType = (s: JsonSchema): string | undefined =>
  Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type

/**
 * A deterministic sample value of a JSON Schema, the same on every call: the schema's own
 * `examples`/`default`/`const`/first `enum` value when it has one, else a placeholder by type
 * and format (`"string"`, `0`, `false`, a fixed date-time, an email address…) that satisfies
 * its length and pattern where it can. Objects get every property (optional ones too), a
 * dictionary one `key` entry, an array one item. A named type already being sampled is not
 * entered again (the property is left out), so recursive types end.
 *
 * @example
 * sampleOf({ type: 'object', properties: { at: { type: 'string', format: 'date-time' } } }, {})
 * // { at: '2026-01-02T03:04:05.000Z' }
 */
export const sampleOf = (
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  open: readonly string[] = [],
): unknown => {
  if (schema.$ref?.startsWith(COMPONENTS)) {
    const name = refName(schema.$ref)
    const target = components[name]
    return target && !open.includes(name)
      ? sampleOf(target, components, [...open, name])
      : undefined
  }
  if (schema.examples?.length) return schema.examples[0]
  if (schema.default !== undefined) return schema.default
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  // An object's anyOf (`required` alternatives) only narrows its properties: sample those.
  const choice = schema.properties ? undefined : (schema.anyOf ?? schema.oneOf)
  if (choice?.length) {
    const options = choice.filter(
      (o): o is JsonSchema => typeof o === 'object' && o.type !== 'null',
    )
    return options[0] ? sampleOf(options[0], components, open) : null
  }
  const next = (s: unknown) =>
    typeof s === 'object' && s !== null ? sampleOf(s as JsonSchema, components, open) : undefined
  switch (firstType(schema) ?? (schema.properties ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const value = next(property)
        if (value !== undefined) out[key] = value
      }
      const entry = next(schema.additionalProperties)
      if (!schema.properties && entry !== undefined) out.key = entry
      return out
    }
    case 'array': {
      const item = next(schema.items)
      return item === undefined ? [] : [item]
    }
    case 'string':
      return stringSample(schema)
    case 'integer':
    case 'number':
      return numberSample(schema)
    case 'boolean':
      return false
    case 'null':
      return null
    default:
      // Free-form data: any JSON value; text reads the same in every format.
      return 'string'
  }
}
