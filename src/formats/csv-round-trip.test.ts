import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { shapeOf } from '../model/shape.ts'
import { isForbiddenKey } from './coerce.ts'
import { csv } from './csv.ts'
import { encodeCell } from './csv-row.ts'
import { parseCsv } from './csv-parse.ts'
import { project } from './project.ts'

type Device = { DeviceKey: string; User?: User | undefined }
type User = { UserName: string; Age?: number | undefined; Device?: Device | undefined }
const Device: v.GenericSchema<Device> = named(
  'Device',
  v.object({ DeviceKey: v.string(), User: v.optional(v.lazy(() => User)) }),
)
const User: v.GenericSchema<User> = named(
  'User',
  v.object({
    UserName: v.string(),
    Age: v.optional(v.number()),
    Device: v.optional(v.lazy(() => Device)),
  }),
)

/** Every kind of member the flat convention has a rule for. */
const Model = named(
  'Model',
  v.object({
    Id: v.string(),
    Note: v.optional(v.string()),
    Count: v.pipe(v.number(), v.integer()),
    Ratio: v.optional(v.number()),
    Active: v.boolean(),
    Language: v.picklist(['en', 'de', 'fr']),
    When: v.optional(v.pipe(v.string(), v.isoTimestamp())),
    Secret: writeOnly(v.optional(v.string())),
    Nested: v.object({
      Level: v.number(),
      Inner: v.optional(v.object({ Text: v.string(), Flag: v.optional(v.boolean()) })),
    }),
    Attributes: v.optional(v.record(v.string(), v.string())),
    customData: v.optional(v.unknown()),
    // As open.cx's customData: a dictionary of free-form values.
    Extra: v.optional(v.record(v.string(), v.unknown())),
    Tags: v.optional(v.array(v.string())),
    Items: v.optional(
      v.array(
        v.object({
          Name: v.string(),
          Token: writeOnly(v.optional(v.string())),
          Values: v.array(v.number()),
        }),
      ),
    ),
    Matrix: v.optional(v.array(v.array(v.number()))),
    Device: v.optional(v.lazy(() => Device)),
  }),
)

const readBack = (text: string): string[][] => {
  expect(text.endsWith('\r\n')).toBe(true)
  expect(text.replace(/"(?:[^"]|"")*"/g, '')).not.toMatch(/\r(?!\n)|(?<!\r)\n/)
  return parse(text, { relax_column_count: false, record_delimiter: '\r\n' }) as string[][]
}

// Text that CSV and spreadsheets find hard: separators, quotes, line breaks, formula triggers.
const FORMULAS = [
  '=HYPERLINK("http://x","y")',
  '@SUM(1+1)',
  '+1',
  '-5',
  "'=x",
  "''-1",
  '\t=1',
  '\r\n=2',
]
// Text that reads as a number but is not how that number is written: it must stay text.
const NUMBERISH = ['1.10', '12345678901234567890', '1e3', '1e400', '007', '-0', '0x10', '.5']
const hardChar = fc.constantFrom(
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\n',
  ',',
  '"',
  "'",
  ' ',
  '.',
  '[',
  '{',
)
const text = fc.oneof(
  fc.constantFrom(...FORMULAS, ...NUMBERISH),
  fc.string({
    unit: fc.oneof(hardChar, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  }),
)
const filled = text.filter((s) => s !== '')
/** Dictionary keys: anything, dots and brackets included, but not a prototype's name. */
const key = fc
  .oneof(text, fc.constantFrom('a.constructor', 'x[prototype]', '__proto__.y', '[__proto__]'))
  .filter((k) => !isForbiddenKey(k))
const number = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0))

/**
 * Free-form text comes back typed when it is a number as `String(n)` writes it, a boolean or
 * JSON (documented in csv.ts), and an empty string is an empty cell: only other text can
 * round-trip as text.
 */
const looksTyped = (s: string) => {
  if (s === '' || s === 'true' || s === 'false') return true
  if (Number.isFinite(Number(s)) && String(Number(s)) === s) return true
  try {
    return /^[[{]/.test(s) && (JSON.parse(s), true)
  } catch {
    return false
  }
}
// Free-form keys have no dots (they would read back as nesting); no nulls, no empty objects.
const { free } = fc.letrec((tie) => ({
  free: fc.oneof(
    { depthSize: 'small' },
    text.filter((s) => !looksTyped(s)),
    number,
    fc.boolean(),
    tie('object'),
    fc.array(fc.oneof(text, number, fc.boolean(), fc.constant(null), tie('object')), {
      maxLength: 3,
    }),
  ),
  object: fc.dictionary(
    key.filter((k) => !k.includes('.')),
    tie('free'),
    { minKeys: 1, maxKeys: 3 },
  ),
}))

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, depthSize: 'small' })
const { device } = fc.letrec((tie) => ({
  device: fc.record(
    { DeviceKey: filled, User: optional(tie('user')) },
    { requiredKeys: ['DeviceKey'] },
  ),
  user: fc.record(
    { UserName: filled, Age: number, Device: optional(tie('device')) },
    { requiredKeys: ['UserName'] },
  ),
}))

const model = fc.record(
  {
    Id: text,
    Note: filled,
    Count: fc.integer(),
    Ratio: number,
    Active: fc.boolean(),
    Language: fc.constantFrom('en', 'de', 'fr'),
    // v.isoTimestamp() takes four-digit years only.
    When: fc.date({
      min: new Date('0000-01-01'),
      max: new Date('9999-12-31'),
      noInvalidDate: true,
    }),
    Secret: text,
    Nested: fc.record(
      {
        Level: number,
        Inner: fc.record({ Text: filled, Flag: fc.boolean() }, { requiredKeys: ['Text'] }),
      },
      { requiredKeys: ['Level'] },
    ),
    Attributes: fc.dictionary(key, filled, { minKeys: 1, maxKeys: 4 }),
    customData: free,
    Extra: fc.dictionary(key, free, { minKeys: 1, maxKeys: 3 }),
    Tags: fc.array(text, { maxLength: 3 }),
    Items: fc.array(
      fc.record({ Name: text, Token: text, Values: fc.array(number, { maxLength: 3 }) }),
      { maxLength: 2 },
    ),
    Matrix: fc.array(fc.array(number, { maxLength: 3 }), { maxLength: 3 }),
    Device: device,
  },
  { requiredKeys: ['Id', 'Count', 'Active', 'Language', 'Nested'] },
)

const context = { mediaType: 'text/csv', links: { self: { href: '/m' } }, maxDepth: 64 }

describe('csv round trip', () => {
  it('reads back what it writes: the JSON projection of the resource', () => {
    fc.assert(
      fc.property(model, (value) => {
        const body = csv.serialize(Model, value, context)
        expect(readBack(body)).toHaveLength(2)
        const parsed = parseCsv(body, Model, { maxDepth: 64 })
        expect(parsed).toEqual(project(shapeOf(Model), value, 64))
        expect(v.safeParse(Model, parsed).success).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('writes each collection item as a row that reads back as that item', () => {
    const Page = v.object({ items: v.array(Model), total: v.number() })
    const page = { itemsKey: 'items', itemLinks: () => ({ self: { href: '/m/1' } }) }
    // Re-encodes cells exactly as read (quoting only), to parse one row at a time.
    const line = (cells: string[]) => `${cells.map((c) => encodeCell(c, false)).join(',')}\r\n`
    fc.assert(
      fc.property(fc.array(model, { maxLength: 4 }), (items) => {
        const body = csv.serialize(Page, { items, total: 99 }, { ...context, collection: page })
        const [header = [], ...rows] = readBack(body)
        expect(rows).toHaveLength(items.length)
        rows.forEach((row, i) => {
          const parsed = parseCsv(line(header) + line(row), Model, { maxDepth: 64 })
          expect(parsed).toEqual(project(shapeOf(Model), items[i], 64))
        })
      }),
      { numRuns: 100 },
    )
  })
})

describe('csv with one column', () => {
  const Note = named('Note', v.object({ text: v.string() }))
  const Notes = v.object({ items: v.array(Note), total: v.number() })
  const page = { itemsKey: 'items', itemLinks: () => ({ self: { href: '/n/1' } }) }

  it('writes an empty cell as "" so the row reads back instead of being skipped as a blank line', () => {
    const body = csv.serialize(Note, { text: '' }, context)
    expect(body).toBe('text\r\n""\r\n')
    expect(parseCsv(body, Note, { maxDepth: 64 })).toEqual({ text: '' })
  })

  it('keeps every row of a page whose cells are empty, for readers that skip blank lines', () => {
    const items = [{ text: '' }, { text: 'x' }, { text: '' }]
    const body = csv.serialize(Notes, { items, total: 3 }, { ...context, collection: page })
    const rows = parse(body, { skip_empty_lines: true, record_delimiter: '\r\n' }) as string[][]
    expect(rows).toEqual([['text'], [''], ['x'], ['']])
  })
})
