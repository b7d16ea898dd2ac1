import { parse } from 'csv-parse/sync'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { csv } from './csv.ts'
import { json } from './json.ts'
import { type ByteChunks, SerializationError, type SerializeContext } from './types.ts'
import { bytesOf } from '../../test/support/byte-chunks.ts'

/** Reads CSV back with an independent RFC 4180 reader, checking the line ends on the way. */
export const readBack = (text: string): string[][] => {
  expect(text.endsWith('\r\n')).toBe(true)
  const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '')
  expect(outsideQuotes).not.toMatch(/\r(?!\n)|(?<!\r)\n/)
  return parse(text, { relax_column_count: false, record_delimiter: '\r\n' }) as string[][]
}

const context: SerializeContext = {
  mediaType: 'text/csv',
  links: { self: { href: '/x' } },
  maxDepth: 8,
}
const page = { itemsKey: 'items', itemLinks: () => ({ self: { href: '/x/1' } }) }

const User = named(
  'User',
  v.object({
    Id: v.string(),
    Age: v.optional(v.number()),
    Password: writeOnly(v.optional(v.string())),
    Data: v.optional(
      v.object({
        SessionTokens: v.optional(v.object({ IdToken: v.string() })),
        Active: v.boolean(),
      }),
    ),
    Attributes: v.optional(v.record(v.string(), v.string())),
    customData: v.optional(v.unknown()),
    Tags: v.optional(v.array(v.string())),
    Devices: v.optional(v.array(v.object({ Key: v.string(), Secret: writeOnly(v.string()) }))),
  }),
)
const Users = named('Users', v.object({ items: v.array(User), total: v.number() }))
const STATIC = 'Id,Age,Data.SessionTokens.IdToken,Data.Active,Tags,Devices'

const one = (value: unknown) => readBack(csv.serialize(User, value, context))
const cellOf = (value: string) => one({ Id: value })[1]?.[0]

describe('csv format', () => {
  it('writes one header row and one row for a resource, nested objects as dotted names', () => {
    const text = csv.serialize(
      User,
      { Id: 'u1', Age: 42, Data: { SessionTokens: { IdToken: 'tok' }, Active: true } },
      context,
    )
    expect(text).toBe(`${STATIC}\r\nu1,42,tok,true,,\r\n`)
    expect(readBack(text)).toHaveLength(2)
  })

  it('announces the header in its Content-Type, for problems too', () => {
    expect(csv.contentType('text/csv')).toBe('text/csv; charset=utf-8; header=present')
    expect(csv.problemContentType).toBe('text/csv; charset=utf-8; header=present')
  })

  it.each(['=', '+', '-', '@', '\t', '\r', '\n'])('neutralises a string starting with %j', (c) => {
    expect(cellOf(`${c}cmd`)).toBe(`'${c}cmd`)
  })

  it('keeps numbers unprefixed but neutralises number-like strings', () => {
    expect(one({ Id: 'a', Age: -5 })[1]?.slice(0, 2)).toEqual(['a', '-5'])
    expect(cellOf('-5')).toBe("'-5")
  })

  it('adds one more quote to text that already starts with quotes before a trigger', () => {
    expect(cellOf("'=x")).toBe("''=x")
    expect(cellOf("''@x")).toBe("'''@x")
    expect(cellOf("'plain")).toBe("'plain")
  })

  it('neutralises header names, which carry dictionary keys', () => {
    const Dict = v.record(v.string(), v.string())
    const rows = readBack(csv.serialize(Dict, { '=cmd': 'x', '@a': 'y', ok: 'z' }, context))
    expect(rows[0]).toEqual(["'=cmd", "'@a", 'ok'])
  })

  it('quotes commas, quotes, line breaks and edge spaces, and nothing else', () => {
    const text = csv.serialize(User, { Id: 'a,"b"\r\nc', Tags: [' x ', 'y'] }, context)
    expect(text.split('\r\n')[1]).toBe('"a,""b""')
    expect(readBack(text)[1]?.slice(0, 5)).toEqual(['a,"b"\r\nc', '', '', '', '[" x ","y"]'])
    expect(one({ Id: ' lead' })[1]?.[0]).toBe(' lead')
    expect(csv.serialize(User, { Id: 'trail ' }, context)).toContain('"trail "')
  })

  it('writes dictionaries as <field>.<key> and free-form objects as dotted members', () => {
    const rows = one({
      Id: 'a',
      Attributes: { email: 'e@x', 'a.b': 'dots' },
      customData: { note: 'n', deep: { level: 2 }, list: [1, 'two'] },
    })
    expect(rows[0]).toEqual([
      ...STATIC.split(',').slice(0, 4),
      'Attributes.email',
      'Attributes.a.b',
      'customData.note',
      'customData.deep.level',
      'customData.list',
      'Tags',
      'Devices',
    ])
    expect(rows[1]?.slice(4, 9)).toEqual(['e@x', 'dots', 'n', '2', '[1,"two"]'])
  })

  it('writes typed arrays as one cell of JSON text without write-only members', () => {
    const rows = one({ Id: 'a', Devices: [{ Key: 'k', Secret: 's3cret' }], Tags: [] })
    expect(rows[1]?.slice(-2)).toEqual(['[]', '[{"Key":"k"}]'])
  })

  it('never writes write-only fields', () => {
    const text = csv.serialize(User, { Id: 'a', Password: 's3cret' }, context)
    expect(text).not.toContain('Password')
    expect(text).not.toContain('s3cret')
  })

  it('writes a non-finite number as an empty cell, as JSON writes it null', () => {
    const rows = one({
      Id: 'u1',
      Age: Number.POSITIVE_INFINITY,
      customData: { inf: Number.POSITIVE_INFINITY, neg: Number.NEGATIVE_INFINITY, nan: Number.NaN },
    })
    const cells = Object.fromEntries(rows[0]!.map((name, i) => [name, rows[1]![i]]))
    expect(cells).toMatchObject({
      Age: '',
      'customData.inf': '',
      'customData.neg': '',
      'customData.nan': '',
    })
  })

  it('writes dates as ISO 8601', () => {
    const Stamp = v.object({ At: v.date() })
    expect(readBack(csv.serialize(Stamp, { At: new Date(0) }, context))[1]).toEqual([
      '1970-01-01T00:00:00.000Z',
    ])
  })

  it('writes a collection as one row per item under the union of their columns', () => {
    const items = [
      { Id: 'a', Attributes: { email: 'a@x' } },
      { Id: 'b', Attributes: { phone: '1', email: 'b@x' }, customData: { n: 1 } },
    ]
    const text = csv.serialize(Users, { items, total: 2 }, { ...context, collection: page })
    const rows = readBack(text)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toContain('Attributes.email')
    const header = rows[0] ?? []
    expect(header.slice(4, 7)).toEqual(['Attributes.email', 'Attributes.phone', 'customData.n'])
    expect(rows[1]?.slice(4, 7)).toEqual(['a@x', '', ''])
    expect(rows[2]?.slice(4, 7)).toEqual(['b@x', '1', '1'])
    expect(header).not.toContain('total')
  })

  it('gives an empty collection the header of its static columns', () => {
    const text = csv.serialize(Users, { items: [], total: 0 }, { ...context, collection: page })
    expect(text).toBe(`${STATIC}\r\n`)
    expect(readBack(text)).toEqual([STATIC.split(',')])
  })

  it('writes a one-item collection as one row', () => {
    const text = csv.serialize(
      Users,
      { items: [{ Id: 'a' }], total: 1 },
      { ...context, collection: page },
    )
    expect(readBack(text)).toEqual([STATIC.split(','), ['a', '', '', '', '', '']])
  })

  it('writes a problem as one row, its nested members dotted', () => {
    const Problem = named(
      'problem',
      v.object({
        type: v.string(),
        status: v.number(),
        detail: v.string(),
        details: v.object({
          errors: v.optional(v.array(v.object({ pointer: v.string(), message: v.string() }))),
        }),
      }),
    )
    const problem = {
      type: '/problems/validation',
      status: 400,
      detail: '-1 is not allowed',
      details: { errors: [{ pointer: '/Age', message: 'too small' }] },
    }
    const rows = readBack(
      csv.serialize(Problem, problem, { ...context, problem: true, collection: page }),
    )
    expect(rows).toEqual([
      ['type', 'status', 'detail', 'details.errors'],
      [
        '/problems/validation',
        '400',
        "'-1 is not allowed",
        '[{"pointer":"/Age","message":"too small"}]',
      ],
    ])
  })

  describe('recursive types', () => {
    type Device = { Key: string; User?: Owner | undefined }
    type Owner = { Name: string; Device?: Device | undefined }
    const Device: v.GenericSchema<Device> = v.object({
      Key: v.string(),
      User: v.optional(v.lazy(() => Owner)),
    })
    const Owner: v.GenericSchema<Owner> = v.object({
      Name: v.string(),
      Device: v.optional(v.lazy(() => Device)),
    })
    const chain = (n: number): Device => {
      let device: Device = { Key: `k${n}` }
      for (let i = n - 1; i >= 0; i--)
        device = { Key: `k${i}`, User: { Name: `n${i}`, Device: device } }
      return device
    }

    it('flattens only as deep as the data goes', () => {
      expect(readBack(csv.serialize(Device, chain(0), context))).toEqual([['Key'], ['k0']])
      expect(readBack(csv.serialize(Device, chain(1), context))[0]).toEqual([
        'Key',
        'User.Name',
        'User.Device.Key',
      ])
    })

    it('applies the same depth limit as JSON', () => {
      const throws = (f: () => unknown) => {
        try {
          f()
          return false
        } catch (error) {
          return error instanceof SerializationError
        }
      }
      for (let n = 0; n < 8; n++) {
        const value = chain(n)
        expect(throws(() => csv.serialize(Device, value, context))).toBe(
          throws(() => json.serialize(Device, value, context)),
        )
      }
    })

    it('stops data nested deeper than the limit', () => {
      expect(() => csv.serialize(Device, chain(20), context)).toThrow(SerializationError)
      expect(() => csv.serialize(Device, chain(20), context)).toThrow(/deeper than 8/)
    })
  })
})

describe('csv pages long enough to be written in chunks', () => {
  const users = (n: number, name = (i: number) => `user ${i}, "quoted" =${i}`) =>
    Array.from({ length: n }, (_, i) => ({
      Id: name(i),
      Age: i,
      Data: { Active: i % 2 === 0 },
      Attributes: { email: `u${i}@example.com`, plan: i % 3 ? 'pro' : 'free' },
    }))
  const pageContext = { ...context, collection: page }
  const pageOf = (items: unknown[]) =>
    csv.serialize(Users, { items, total: items.length }, pageContext)
  const bodyOf = (items: unknown[]) =>
    csv.serializeBody!(Users, { items, total: items.length }, pageContext)
  const decode = (body: string | Uint8Array | ByteChunks) =>
    typeof body === 'string'
      ? body
      : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytesOf(body))

  it('writes the header, then each item as a one-item page writes it', () => {
    const items = users(3000)
    const text = pageOf(items)
    expect(text.length).toBeGreaterThan(4 * 32 * 1024)
    const [header] = pageOf(items.slice(0, 1)).split('\r\n')
    const rows = items.map((item) => pageOf([item]).slice(header!.length + 2))
    expect(text).toBe(`${header}\r\n${rows.join('')}`)
  })

  it('gives a response the same document as UTF-8 bytes of its own', () => {
    const items = users(3000)
    const body = bodyOf(items)
    expect(body).toBeInstanceOf(Uint8Array)
    const copy = decode(body)
    expect(copy).toBe(pageOf(items))
    // The writer keeps its buffer for the next document: a body must not share it.
    bodyOf(users(3000, (i) => `other ${i}`))
    expect(decode(body)).toBe(copy)
  })

  it('leaves a short page as text', () => {
    expect(typeof bodyOf(users(3))).toBe('string')
  })

  it('carries a lone surrogate as U+FFFD, as the UTF-8 of the text does', () => {
    const items = users(3000, (i) => (i === 1500 ? 'broken \uD800 name' : `user ${i}`))
    const text = pageOf(items)
    expect(text).toContain('broken \uFFFD name')
    expect(Buffer.from(bodyOf(items) as Uint8Array)).toEqual(Buffer.from(text))
  })
})
