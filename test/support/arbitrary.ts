import fc from 'fast-check'
import type * as v from 'valibot'
import { resolve, type Shape, shapeOf } from '../../src/model/shape.ts'

export interface ArbitraryOptions {
  /** Only strings every format can carry back: no XML-illegal characters, no empty optionals. */
  portable?: boolean
  /** Levels of recursive (`v.lazy`) data to generate at most. */
  maxDepth?: number
}

// Characters XML 1.0 cannot carry are excluded in portable mode; everything else stays in,
// including CR, TAB, `]]>`, quotes, commas and formula triggers.
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/

const text = (options: ArbitraryOptions, minLength = 0) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', minLength, maxLength: 12 }),
      fc.constantFrom(
        '=HYPERLINK("http://x","y")',
        '@SUM(1+1)',
        '-5',
        "'=x",
        ' a, "b"\r\nc ',
        ']]>',
      ),
    )
    .filter((s) => s.length >= minLength && !(options.portable && XML_ILLEGAL.test(s)))

const isoDate = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString())

const build = (
  shape: Shape,
  options: ArbitraryOptions,
  depth: number,
  required: boolean,
): fc.Arbitrary<unknown> => {
  const s = resolve(shape)
  switch (s.kind) {
    case 'string':
      return s.format === 'date-time'
        ? isoDate
        : text(options, required || !options.portable ? 0 : 1)
    case 'number':
      return s.integer
        ? fc.integer({ min: -1e9, max: 1e9 })
        : fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((n) => (Object.is(n, -0) ? 0 : n))
    case 'boolean':
      return fc.boolean()
    case 'enum':
      return fc.constantFrom(...s.options)
    case 'array':
      return fc.array(build(s.item, options, depth + 1, true), { maxLength: 3 })
    case 'record':
      return fc.dictionary(
        text(options, 1).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)),
        build(s.value, options, depth + 1, true),
        { maxKeys: 3 },
      )
    case 'unknown':
      // Free-form values: strings only in portable mode (CSV reads numeric-looking text back as numbers).
      return options.portable
        ? text(options, 1).filter((t) => !/^-?\d|^(true|false)$|^[[{]/.test(t))
        : fc.jsonValue({ maxDepth: 2 })
    case 'object': {
      const entries: Record<string, fc.Arbitrary<unknown>> = {}
      const requiredKeys: string[] = []
      for (const field of s.fields) {
        if (field.writeOnly) continue
        const recursive = shape.kind === 'ref' || resolve(field.shape).kind === 'object'
        if (field.optional && recursive && depth >= (options.maxDepth ?? 3)) continue
        entries[field.key] = build(field.shape, options, depth + 1, !field.optional)
        if (!field.optional) requiredKeys.push(field.key)
      }
      return fc.record(entries, { requiredKeys })
    }
  }
}

/**
 * Values of a schema's shape (what a serializer sees), for round-trip properties.
 *
 * @example
 * fc.assert(fc.property(arbitraryOf(AmazonUser), (user) => ...))
 */
export const arbitraryOf = (schema: v.GenericSchema, options: ArbitraryOptions = {}) =>
  build(shapeOf(schema), options, 0, true)
