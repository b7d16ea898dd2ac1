import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { arbitraryOf } from '../../test/support/arbitrary.ts'
import { writeOnly } from '../model/meta.ts'
import { Contact, Contacts } from '../model/contact.ts'
import { LANGUAGES } from '../model/contact-fields.ts'
import { shapeOf, type Shape } from '../model/shape.ts'
import { csv } from './csv.ts'
import { csvRowWriter, encodeCell, headerLine } from './csv-row.ts'
import { csvColumns, exportWriter } from './export-writer.ts'
import { columnsOf, createTable, flattenRow, isFormula } from './flat.ts'

// The compiled row writer must write exactly what the generic flat path writes: every row
// flattened into cells (`flattenRow`), the header being the union of their columns. These
// references are that path, as the page serializer and the export writer used it before.

/** `encodeCell` as three regexes, the rule as documented. */
const referenceEncode = (text: string, isString: boolean): string => {
  if (!/^[=+\-@\t\r\n' ]|[",;\r\n]| $/.test(text)) return text
  const safe = isString && /^'*[=+\-@\t\r\n]/.test(text) ? `'${text}` : text
  return /[",;\r\n]|^ | $/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const referenceLine = (row: string[], columns: { index: number }[]) =>
  `${columns.map((c) => row[c.index] ?? '').join(',')}\r\n`

/** A page's CSV the generic way: flatten every item, then write the union of their columns. */
const referencePage = (shape: Shape, items: unknown[], maxDepth: number): string => {
  const table = createTable(shape, maxDepth, encodeCell)
  const rows = items.map((item) => flattenRow(table, item))
  const columns = columnsOf(table)
  const header = `${columns.map((c) => encodeCell(c.name, true)).join(',')}\r\n`
  return header + rows.map((row) => referenceLine(row, columns)).join('')
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The export's rows the generic way: nested free-form objects as JSON text, then flattened. */
const referenceExport = (items: unknown[], keys: string[], maxDepth: number) => {
  const table = createTable(shapeOf(Contact), maxDepth, encodeCell)
  flattenRow(table, { customData: Object.fromEntries(keys.map((k) => [k, ''])) })
  const columns = columnsOf(table)
  const flatten = (item: unknown): unknown => {
    if (!isObject(item)) return item
    const free = item.customData
    if (!isObject(free) || !Object.values(free).some(isObject)) return item
    const cells = Object.entries(free).map(([k, value]) => [
      k,
      isObject(value) ? JSON.stringify(value) : value,
    ])
    return { ...item, customData: Object.fromEntries(cells) }
  }
  return {
    head: `${columns.map((c) => encodeCell(c.name, true)).join(',')}\r\n`,
    rows: items.map((item) =>
      outcome(() => referenceLine(flattenRow(table, flatten(item)), columns)),
    ),
  }
}

/** The text, or the error's class and message: errors must match too. */
const outcome = (write: () => string): string => {
  try {
    return write()
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`
  }
}

// Text that needs every rule: formula triggers, quotes, commas, line breaks, edge spaces, emoji.
const awkward = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      'a',
      ',',
      ';',
      '"',
      '\r',
      '\n',
      ' ',
      '=',
      '+',
      '-',
      '@',
      '\t',
      "'",
      '😀',
      'é',
    ),
  }),
  fc.constantFrom('', ' ', '=1+1', "'=x", "''@", '-5', '+49151', 'a,"b"\r\nc ', '😀', 'plain'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
)
const KEYS = ['plan', 'seats', 'vip', 'note', 'a.b', '=key', 'toString', '__proto__', '😀']
const key = fc.oneof(fc.constantFrom(...KEYS), awkward)
const scalar = fc.oneof(
  awkward,
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -0, 1e21),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
)
/** Free-form values: mostly scalars, sometimes arrays, nested objects or dates. */
const freeValue = fc.oneof(
  { weight: 6, arbitrary: scalar },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
  },
  { weight: 1, arbitrary: fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
)
/** A dictionary built from entries, so keys like `__proto__` are own keys, as JSON.parse makes them. */
const dictionary = <T>(value: fc.Arbitrary<T>) =>
  fc
    .uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 5 })
    .map((entries) => Object.fromEntries(entries))
/** Now and then a value of the wrong type where a string is expected. */
const text = fc.oneof(
  { weight: 12, arbitrary: awkward },
  { weight: 1, arbitrary: scalar },
  { weight: 1, arbitrary: freeValue },
)

/** Every member optional: absent, `undefined` or `null` as often as present. */
const maybe = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof(value, fc.constantFrom(undefined, null), fc.constant(undefined))

const contact = fc
  .tuple(
    fc.record({
      id: text,
      email: maybe(text),
      name: maybe(text),
      avatar_url: maybe(text),
      phone: maybe(text),
      language: maybe(fc.oneof(fc.constantFrom(...LANGUAGES), text)),
      customData: maybe(
        fc.oneof(
          { weight: 8, arbitrary: dictionary(freeValue) },
          { weight: 1, arbitrary: freeValue },
        ),
      ),
      chat_context: maybe(text),
      http_action_overrides: maybe(
        fc.record(
          {
            query_params: dictionary(awkward),
            headers: dictionary(awkward),
            body_params: dictionary(freeValue),
          },
          { requiredKeys: [] },
        ),
      ),
      createdAt: text,
      updatedAt: text,
    }),
    fc.boolean(),
  )
  // An `undefined` member is left out now and then, as a store leaves out a NULL column.
  .map(([c, drop]) =>
    drop ? Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) : c,
  )
/** Items as a page or an export gets them: contacts, and now and then something else. */
const item = fc.oneof({ weight: 20, arbitrary: contact }, { weight: 1, arbitrary: freeValue })
const maxDepth = fc.constantFrom(1, 2, 3, 4, 5, 6, 32)

const context = (depth: number) => ({
  mediaType: 'text/csv',
  links: { self: { href: '/x' } },
  maxDepth: depth,
  collection: { itemsKey: 'items', itemLinks: () => ({ self: { href: '/x/1' } }) },
})

describe('encodeCell', () => {
  it('quotes a cell holding `;`, which a spreadsheet in a `;` locale would split before a formula', () => {
    expect(encodeCell("x;=cmd|' /C calc'!A0;", true)).toBe(`"x;=cmd|' /C calc'!A0;"`)
    expect(encodeCell('a;b', false)).toBe('"a;b"')
  })

  it('is the documented rule, for any text', () => {
    fc.assert(
      fc.property(awkward, fc.boolean(), (text, isString) => {
        expect(encodeCell(text, isString)).toBe(referenceEncode(text, isString))
        expect(isFormula(text)).toBe(/^'*[=+\-@\t\r\n]/.test(text))
      }),
      { numRuns: 2000 },
    )
  })
})

describe('csvRowWriter', () => {
  it('writes a page of contacts byte for byte as flattening every row does', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), maxDepth, (items, depth) => {
        const page = { items, total: items.length, skip: 0, limit: 10 }
        const expected = outcome(() => referencePage(shapeOf(Contact), items, depth))
        expect(outcome(() => csv.serialize(Contacts, page, context(depth)))).toBe(expected)
      }),
      { numRuns: 1000 },
    )
  })

  it('writes an export of contacts byte for byte as flattening every row does', () => {
    const keys = fc.uniqueArray(key, { maxLength: 6 })
    // Below 2 the header's own row (`customData.<key>` cells at depth 2) is too deep.
    const depths = fc.constantFrom(2, 3, 4, 32)
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), keys, depths, (items, keys, depth) => {
        const expected = referenceExport(items, keys, depth)
        const writer = exportWriter({
          format: 'csv',
          rootName: 'ContactExport',
          itemSchema: Contact,
          links: { self: { href: '/x' } },
          itemLinks: () => ({ self: { href: '/x/1' } }),
          maxDepth: depth,
          columns: csvColumns(Contact, depth, { customData: keys }),
        })!
        expect(writer.head()).toBe(expected.head)
        expect(items.map((item) => outcome(() => writer.item(item)))).toEqual(expected.rows)
      }),
      { numRuns: 1000 },
    )
  })

  it('writes pages of every kind of member as flattening every row does', () => {
    type Node = { Name: string; Child?: Node | undefined }
    const Node: v.GenericSchema<Node> = v.object({
      Name: v.string(),
      Child: v.optional(v.lazy(() => Node)),
    })
    const Model = v.object({
      Id: v.string(),
      Secret: writeOnly(v.optional(v.string())),
      Count: v.optional(v.number()),
      Flag: v.nullable(v.boolean()),
      Data: v.optional(
        v.object({ Level: v.number(), Deep: v.optional(v.object({ Text: v.string() })) }),
      ),
      Attributes: v.optional(v.record(v.string(), v.string())),
      Scores: v.optional(v.record(v.string(), v.array(v.number()))),
      customData: v.optional(v.unknown()),
      Tags: v.optional(v.array(v.string())),
      Items: v.optional(v.array(v.object({ Name: v.string(), Token: writeOnly(v.string()) }))),
      Tree: v.optional(Node),
      Link: v.optional(v.lazy(() => Node)),
    })
    // Generated values, with now and then a member replaced by one of any other kind.
    const odd = fc.oneof(freeValue, dictionary(freeValue), fc.constant(new Date(0)))
    const model = fc
      .tuple(
        arbitraryOf(Model, { maxDepth: 4 }),
        fc.option(
          fc.constantFrom(
            'Id',
            'Count',
            'Data',
            'Attributes',
            'Scores',
            'customData',
            'Tags',
            'Tree',
            'Link',
          ),
        ),
        odd,
      )
      .map(([value, member, other]) => (member ? { ...(value as object), [member]: other } : value))
    fc.assert(
      fc.property(fc.array(model, { maxLength: 5 }), maxDepth, (items, depth) => {
        const expected = outcome(() => referencePage(shapeOf(Model), items, depth))
        const page = v.object({ items: v.array(Model) })
        expect(outcome(() => csv.serialize(page, { items }, context(depth)))).toBe(expected)
      }),
      { numRuns: 1000 },
    )
  })

  it('stops at the depth limit exactly where flattening every row stops', () => {
    const items = [
      { id: 'a', createdAt: 'x', updatedAt: 'y' },
      { id: 'b', customData: { n: 1, s: '=s' } },
      { id: 'c', customData: { list: [1, [2]] }, language: 'en' },
      { id: 'd', customData: { o: { p: 1 } } },
      { id: 'e', http_action_overrides: { query_params: { q: '1' }, body_params: { b: [1] } } },
      { id: 'f', name: ['not', 'a', 'string'], email: { not: 'a string' } },
    ]
    for (let depth = 0; depth <= 7; depth++)
      for (const item of items) {
        const expected = outcome(() => referencePage(shapeOf(Contact), [item], depth))
        const page = { items: [item], total: 1, skip: 0, limit: 1 }
        expect(
          outcome(() => csv.serialize(Contacts, page, context(depth))),
          `${depth} ${item.id}`,
        ).toBe(expected)
      }
  })

  it('writes keys in the header order whatever their order in the row', () => {
    const table = createTable(shapeOf(Contact), 32, encodeCell)
    flattenRow(table, { customData: { a: '', b: '', c: '' } })
    const columns = columnsOf(table)
    const line = csvRowWriter(table, columns, 0)
    const row = line({ id: 'x', customData: { c: 3, b: '=2', z: 'not in the header', a: 1 } })
    expect(headerLine(columns)).toBe(
      'id,email,name,avatar_url,phone,language,customData.a,customData.b,customData.c,chat_context,createdAt,updatedAt\r\n',
    )
    expect(row).toBe("x,,,,,,1,'=2,3,,,\r\n")
  })

  it('needs a table that encodes with encodeCell', () => {
    const table = createTable(shapeOf(Contact), 32, (text) => text)
    expect(() => csvRowWriter(table, columnsOf(table), 0)).toThrow(TypeError)
  })
})
