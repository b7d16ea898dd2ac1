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

const FORBIDDEN = ['__proto__', 'constructor', 'prototype']

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
        : // Inside a nested object an empty required string is an empty cell too, and a nested
          // object whose cells are all empty reads back as absent (`{ contact: { id: '' } }`).
          text(options, options.portable && (!required || depth > 1) ? 1 : 0)
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
        // Flat formats refuse a column or field name with a forbidden segment anywhere in it
        // (`Attributes.prototype.x`), even where the rest would be a dictionary key.
        text(options, 1).filter((k) => !k.split(/[.[\]]/).some((part) => FORBIDDEN.includes(part))),
        // An empty value is an empty cell and an empty optional dictionary no cells at all:
        // CSV reads both back as absent.
        build(s.value, options, depth + 1, !options.portable),
        { maxKeys: 3, minKeys: required || !options.portable ? 0 : 1 },
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
        // Past the limit a lazy member keeps only its required members: in portable mode
        // leave it out rather than generate an object with nothing in it.
        const cut = field.shape.kind === 'ref' && depth + 1 >= (options.maxDepth ?? 3)
        if (field.optional && cut && options.portable) continue
        entries[field.key] = build(field.shape, options, depth + 1, !field.optional)
        if (!field.optional) requiredKeys.push(field.key)
      }
      const record = fc.record(entries, { requiredKeys })
      // Likewise an optional object with every member absent (all-optional DTOs such as the
      // ServiceStack seed's): CSV reads it back as absent. (Never filter what can only be {}.)
      const empty = Object.keys(entries).length === 0
      return required || !options.portable || requiredKeys.length > 0 || empty
        ? record
        : record.filter((value) => Object.keys(value).length > 0)
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
