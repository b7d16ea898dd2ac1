import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { writeOnly } from '../model/meta.ts'
import { shapeOf } from '../model/shape.ts'
import { columnsOf, createTable, flattenRow, neutralise, unneutralise } from './flat.ts'
import { BodySyntaxError } from './types.ts'
import { unflatten } from './unflatten.ts'

type Node = { Name: string; Child?: Node | undefined }
const Node: v.GenericSchema<Node> = v.object({
  Name: v.string(),
  Child: v.optional(v.lazy(() => Node)),
})
const Schema = v.object({
  Id: v.string(),
  Secret: writeOnly(v.string()),
  Attributes: v.optional(v.record(v.string(), v.string())),
  Scores: v.optional(v.record(v.string(), v.array(v.number()))),
  Data: v.object({ Level: v.number(), Deep: v.object({ Flag: v.boolean() }) }),
  customData: v.optional(v.unknown()),
  Tags: v.array(v.string()),
  Tree: v.optional(Node),
  Nick: v.nullable(v.string()),
  Label: v.optional(v.string()),
})
const shape = shapeOf(Schema)
const identity = (text: string) => text
const names = (values: unknown[]) => {
  const table = createTable(shape, 16, identity)
  const rows = values.map((value) => flattenRow(table, value))
  const columns = columnsOf(table)
  return {
    columns: columns.map((c) => c.name),
    rows: rows.map((row) => columns.map((c) => row[c.index] ?? '')),
  }
}
const read = (cells: [string, string][], neutralised = true) =>
  unflatten(shape, cells, { maxDepth: 8, neutralised })

describe('neutralise', () => {
  it('is undone by unneutralise for any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '\n', 'a') }),
        (text) => {
          const cell = neutralise(text)
          expect(unneutralise(cell) ?? cell).toBe(text)
          expect(cell).not.toMatch(/^[=+\-@\t\r\n]/)
        },
      ),
    )
  })
})

describe('flattenRow and columnsOf', () => {
  it('starts from the static columns: no dictionaries, no lazy members', () => {
    expect(names([]).columns).toEqual([
      'Id',
      'Data.Level',
      'Data.Deep.Flag',
      'Tags',
      'Tree.Name',
      'Nick',
      'Label',
    ])
  })

  it('puts dynamic columns at their field position, first-seen, across rows', () => {
    const { columns, rows } = names([
      { Id: 'a', Attributes: { z: '1' }, customData: { m: { n: 1 } }, Tree: { Name: 'r' } },
      {
        Id: 'b',
        Attributes: { a: '2', z: '3' },
        Scores: { s: [1] },
        Tree: { Name: 'r', Child: { Name: 'c' } },
      },
    ])
    expect(columns).toEqual([
      'Id',
      'Attributes.z',
      'Attributes.a',
      'Scores.s',
      'Data.Level',
      'Data.Deep.Flag',
      'customData.m.n',
      'Tags',
      'Tree.Name',
      'Tree.Child.Name',
      'Nick',
      'Label',
    ])
    expect(rows[1]).toEqual(['b', '3', '2', '[1]', '', '', '', '', 'r', 'c', '', ''])
  })

  it('never writes write-only members', () => {
    const { columns, rows } = names([{ Id: 'a', Secret: 'x' }])
    expect(columns).not.toContain('Secret')
    expect(rows[0]).not.toContain('x')
  })
})

describe('unflatten', () => {
  it('matches object fields, dictionary remainders and free-form dotted keys', () => {
    expect(
      read([
        ['Attributes.a.b', 'x'],
        ['Data.Deep.Flag', 'true'],
        ['customData.p.q', '1.5'],
        ['Tree.Child.Name', 'c'],
        ['Unknown.Column', 'ignored'],
      ]),
    ).toEqual({
      Attributes: { 'a.b': 'x' },
      Data: { Deep: { Flag: true } },
      customData: { p: { q: 1.5 } },
      Tree: { Child: { Name: 'c' } },
    })
  })

  it('accepts write-only fields: requests may carry them', () => {
    expect(read([['Secret', 's3cret']])).toEqual({ Secret: 's3cret' })
  })

  it('reads empty cells as absent, required strings as empty text, required nullables as null', () => {
    expect(
      read([
        ['Id', ''],
        ['Nick', ''],
        ['Label', ''],
        ['Data.Level', ''],
      ]),
    ).toEqual({ Id: '', Nick: null })
  })

  it('fills required members of objects that other cells create, without creating objects', () => {
    expect(
      read([
        ['Tree.Name', ''],
        ['Tree.Child.Name', 'c'],
      ]),
    ).toEqual({
      Tree: { Name: '', Child: { Name: 'c' } },
    })
  })

  it('reads free-form cells as numbers, booleans and JSON unless neutralised', () => {
    const cells: [string, string][] = [
      ['customData.n', '-5'],
      ['customData.s', "'-5"],
      ['customData.b', 'false'],
      ['customData.j', '[1,{"a":null}]'],
      ['customData.t', '[not json'],
    ]
    expect(read(cells)).toEqual({
      customData: { n: -5, s: '-5', b: false, j: [1, { a: null }], t: '[not json' },
    })
    expect(read([['customData.s', "'-5"]], false)).toEqual({ customData: { s: "'-5" } })
  })

  it('builds objects without prototypes, so any dictionary key is just a key', () => {
    const value = read([
      ['Attributes.toString', 'x'],
      ['Attributes.hasOwnProperty', 'y'],
    ])
    expect(value).toEqual({ Attributes: { toString: 'x', hasOwnProperty: 'y' } })
    expect(Object.getPrototypeOf(value)).toBeNull()
  })

  it('rejects two columns for one member', () => {
    const error = (() => {
      try {
        read([
          ['customData.a', '1'],
          ['customData.a.b', '2'],
        ])
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(BodySyntaxError)
    expect((error as BodySyntaxError).pointer).toBe('/customData/a')
  })

  it('rejects JSON text nested deeper than the limit', () => {
    expect(() => read([['Scores.s', '[[[[[[[[[[1]]]]]]]]]]']])).toThrow(/deeper than 8/)
  })
})
