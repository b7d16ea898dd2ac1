import fc from 'fast-check'
import { SaxesParser } from 'saxes'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { shapeOf } from '../model/shape.ts'
import { isForbiddenKey } from './coerce.ts'
import { project } from './project.ts'
import { SerializationError, type SerializeContext } from './types.ts'
import { parseXml } from './xml-parse.ts'
import { xml } from './xml.ts'

interface El {
  name: string
  attrs: Record<string, string>
  children: (El | string)[]
}

/** Parses with saxes, an independent strict XML 1.0 parser: any well-formedness error throws. */
const dom = (text: string): El => {
  const parser = new SaxesParser({ xmlns: true })
  const stack: El[] = [{ name: '#document', attrs: {}, children: [] }]
  parser.on('error', (error) => {
    throw error
  })
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {}
    for (const [name, attr] of Object.entries(tag.attributes)) attrs[name] = attr.value
    const el: El = { name: tag.name, attrs, children: [] }
    stack.at(-1)!.children.push(el)
    stack.push(el)
  })
  parser.on('closetag', () => void stack.pop())
  parser.on('text', (text) => void stack.at(-1)!.children.push(text))
  parser.write(text).close()
  return stack[0]!.children[0] as El
}

const child = (el: El, name: string): El => {
  const found = el.children.find((c): c is El => typeof c !== 'string' && c.name === name)
  if (!found) throw new Error(`no <${name}> in <${el.name}>`)
  return found
}
const text = (el: El): string => el.children.filter((c) => typeof c === 'string').join('')
const names = (el: El): string[] =>
  el.children.map((c) => (typeof c === 'string' ? '#text' : c.name))

const context: SerializeContext = {
  mediaType: 'application/xml',
  links: { self: { href: '/x' } },
  maxDepth: 64,
}
const serialize = (
  schema: v.GenericSchema,
  value: unknown,
  extra: Partial<SerializeContext> = {},
) => xml.serialize(schema, value, { ...context, ...extra })

// The test model: every shape the serializer knows, and a recursive pair like CognitoDevice.
interface User {
  Id: string
  Devices?: Device[] | undefined
}
interface Device {
  DeviceKey: string
  User?: User | null | undefined
}
const CognitoDevice: v.GenericSchema<Device> = named(
  'CognitoDevice',
  v.object({ DeviceKey: v.string(), User: v.nullish(v.lazy(() => CognitoUser)) }),
)
const CognitoUser: v.GenericSchema<User> = named(
  'CognitoUser',
  v.object({ Id: v.string(), Devices: v.optional(v.array(CognitoDevice)) }),
)
const Tag = named('Tag', v.object({ label: v.string(), weight: v.optional(v.number()) }))
const Model = named(
  'TestResource',
  v.object({
    _id: v.string(),
    secret: writeOnly(v.string()),
    count: v.pipe(v.number(), v.integer()),
    ratio: v.optional(v.number()),
    active: v.boolean(),
    kind: v.picklist(['a', 'b', 'c']),
    note: v.nullable(v.string()),
    maybe: v.optional(v.string()),
    nested: v.object({ city: v.string(), zip: v.optional(v.string()) }),
    tags: v.array(Tag),
    words: v.array(v.string()),
    Attributes: v.record(v.string(), v.string()),
    customData: v.optional(v.unknown()),
    device: v.optional(CognitoDevice),
    createdAt: v.pipe(v.string(), v.isoTimestamp()),
  }),
)

const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
/** The documented lossy step: characters XML 1.0 cannot carry become U+FFFD; -0 is 0 as in JSON. */
const xmlSafe = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(ILLEGAL, '\uFFFD')
  if (Object.is(value, -0)) return 0
  if (Array.isArray(value)) return value.map(xmlSafe)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, m]) => [xmlSafe(k), xmlSafe(m)]))
}

/** Whether two keys of one object become the same key once made XML-safe. */
const keysCollide = (value: unknown): boolean => {
  if (Array.isArray(value)) return value.some(keysCollide)
  if (value === null || typeof value !== 'object') return false
  const keys = Object.keys(value)
  if (new Set(keys.map(xmlSafe)).size < keys.length) return true
  return Object.values(value).some(keysCollide)
}

const special = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u000B',
  '\u001F',
  '\r',
  '\r\n',
  '\n',
  '\t',
  ' ',
  ']]>',
  '&',
  '<',
  '>',
  '"',
  "'",
  '&amp;',
  '\uFFFE',
  '\uFFFF',
  '\uFFFD',
  '\uD800',
  '\uDFFF',
  '😀',
  'x<y',
  '-->',
)
const legal = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }))
const hostile = fc.array(fc.oneof(legal, special), { maxLength: 6 }).map((parts) => parts.join(''))

const modelValue = (str: fc.Arbitrary<string>) => {
  const key = str.filter((k) => !isForbiddenKey(k))
  const number = fc.double({ noNaN: true, noDefaultInfinity: true })
  const { json } = fc.letrec<{ json: unknown }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      number,
      str,
      fc.array(tie('json'), { maxLength: 3 }),
      fc.dictionary(key, tie('json'), { maxKeys: 3 }),
    ),
  }))
  const { device } = fc.letrec<{ device: Device; user: User }>((tie) => ({
    device: fc.record(
      { DeviceKey: str, User: fc.option(tie('user'), { nil: null, depthSize: 'small' }) },
      { requiredKeys: ['DeviceKey'] },
    ),
    user: fc.record(
      { Id: str, Devices: fc.array(tie('device'), { maxLength: 2 }) },
      { requiredKeys: ['Id'] },
    ),
  }))
  return fc.record(
    {
      _id: str,
      secret: str,
      count: fc.integer(),
      ratio: number,
      active: fc.boolean(),
      kind: fc.constantFrom('a', 'b', 'c'),
      note: fc.option(str, { nil: null }),
      maybe: fc.option(str, { nil: undefined }),
      nested: fc.record({ city: str, zip: str }, { requiredKeys: ['city'] }),
      tags: fc.array(fc.record({ label: str, weight: number }, { requiredKeys: ['label'] })),
      words: fc.array(str, { maxLength: 4 }),
      Attributes: fc.dictionary(key, str, { maxKeys: 4 }),
      customData: json,
      device,
      createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    },
    { requiredKeys: ['_id', 'count', 'active', 'kind', 'note', 'nested', 'tags', 'words'] },
  )
}

const roundTrip = (value: unknown): { body: string; parsed: unknown } => {
  const body = serialize(Model, value)
  dom(body)
  return { body, parsed: parseXml(body, Model, { maxDepth: 64 }) }
}

describe('xml format: round trip', () => {
  it('gives back exactly the projected value when strings hold only XML characters', () => {
    const clean = legal.map((s) => s.replace(ILLEGAL, ''))
    fc.assert(
      fc.property(modelValue(clean), (value) => {
        expect(roundTrip(value).parsed).toEqual(xmlSafe(project(shapeOf(Model), value, 64)))
        expect(xmlSafe(project(shapeOf(Model), value, 64))).toEqual(
          JSON.parse(JSON.stringify(project(shapeOf(Model), value, 64))),
        )
      }),
      { numRuns: 300 },
    )
  })

  it('replaces only characters XML cannot carry, and saxes accepts every output', () => {
    fc.assert(
      fc.property(modelValue(hostile), (value) => {
        const projected = project(shapeOf(Model), value, 64)
        // Keys that differ only in characters XML cannot carry come out as one key twice:
        // the parser refuses that rather than keep one of them.
        if (keysCollide(projected)) {
          expect(() => roundTrip(value)).toThrow(/is given twice/)
          return
        }
        const { body, parsed } = roundTrip(value)
        expect(body).not.toMatch(/\]\]>|\r/)
        expect(parsed).toEqual(xmlSafe(projected))
      }),
      { numRuns: 300 },
    )
  })
})

describe('xml format: documents', () => {
  const AmazonUser = named(
    'AmazonUser',
    v.object({ _id: v.string(), token: writeOnly(v.string()) }),
  )

  it('starts with the declaration and names the root after the type', () => {
    const body = serialize(AmazonUser, { _id: 'u1', token: 't' })
    expect(body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><AmazonUser><_id>u1</_id></AmazonUser>',
    )
    const Response = named('CognitoSendConfirmCodeResponse', v.object({ OpCode: v.number() }))
    expect(dom(serialize(Response, { OpCode: 0 })).name).toBe('CognitoSendConfirmCodeResponse')
    expect(dom(serialize(v.object({ a: v.string() }), { a: 'x' })).name).toBe('resource')
  })

  it('never emits write-only members', () => {
    expect(serialize(AmazonUser, { _id: 'u', token: 's3cret' })).not.toContain('s3cret')
    expect(serialize(Model, { secret: 's3cret', words: [] })).not.toContain('secret')
  })

  it('writes an array where an object or a dictionary belongs as the array, items projected', () => {
    const Holder = named(
      'Holder',
      v.object({
        user: v.optional(AmazonUser),
        users: v.optional(v.record(v.string(), AmazonUser)),
      }),
    )
    const users = [{ _id: 'u', token: 's3cret' }, 'text']
    for (const value of [{ user: users }, { users }]) {
      const written = serialize(Holder, value)
      expect(written).not.toContain('s3cret')
      expect(written).toMatch(/type="array"><item type="object"><entry key="_id">u<\/entry>/)
      expect(project(shapeOf(Holder), value, 32)).toEqual(
        Object.fromEntries(Object.keys(value).map((k) => [k, [{ _id: 'u' }, 'text']])),
      )
    }
  })

  it.each([
    [[], []],
    [['a'], ['item']],
    [
      ['a', 'b'],
      ['item', 'item'],
    ],
  ])('wraps an array of %j in one element per item', (words, expected) => {
    const root = dom(serialize(Model, { words }))
    expect(names(child(root, 'words'))).toEqual(expected)
  })

  it('names items after their type and writes a collection page', () => {
    const Page = named('AmazonUsers', v.object({ items: v.array(AmazonUser), total: v.number() }))
    const body = serialize(Page, { items: [{ _id: 'a' }], total: 3 })
    expect(body).toContain('<AmazonUsers><items><AmazonUser><_id>a</_id></AmazonUser></items>')
    expect(body).toContain('<total>3</total></AmazonUsers>')
  })

  it('writes dictionaries as entries keyed by attribute, whatever the key', () => {
    const keys = ['with space', '1digit', 'x<y', '', '😀', 'a"b', 'tab\there', 'cr\r\nlf']
    const Attributes = Object.fromEntries(keys.map((k, i) => [k, String(i)]))
    const entries = child(dom(serialize(Model, { Attributes })), 'Attributes').children as El[]
    expect(entries.map((e) => [e.name, e.attrs.key, text(e)])).toEqual(
      keys.map((k, i) => ['entry', k, String(i)]),
    )
  })

  it('writes null as xsi:nil and leaves undefined out', () => {
    const root = dom(serialize(Model, { note: null, maybe: undefined }))
    expect(child(root, 'note').attrs['xsi:nil']).toBe('true')
    expect(names(root)).not.toContain('maybe')
  })

  it('renders problems in the RFC 7807 namespace with <i> items', () => {
    const Problem = named(
      'problem',
      v.object({ title: v.string(), errors: v.array(v.object({ pointer: v.string() })) }),
    )
    const body = serialize(
      Problem,
      { title: 'Bad', errors: [{ pointer: '/a' }] },
      { problem: true },
    )
    expect(body).toContain('<problem xmlns="urn:ietf:rfc:7807"><title>Bad</title>')
    expect(body).toContain('<errors><i><pointer>/a</pointer></i></errors>')
    expect(xml.problemContentType).toBe('application/problem+xml; charset=utf-8')
    expect(xml.contentType('text/xml')).toBe('text/xml; charset=utf-8')
  })

  it('escapes markup, keeps CR as a reference and replaces what XML cannot carry', () => {
    const body = serialize(Model, {
      _id: 'a]]>b&c<d\re\u0001f\uD800',
      Attributes: { '\u0002"': '' },
    })
    expect(body).toContain('<_id>a]]&gt;b&amp;c&lt;d&#13;e\uFFFDf\uFFFD</_id>')
    expect(body).toContain('<entry key="\uFFFD&quot;"></entry>')
    expect(text(child(dom(body), '_id'))).toBe('a]]>b&c<d\re\uFFFDf\uFFFD')
  })

  it('types free-form data so it parses back as the same JSON', () => {
    const customData = { n: 1.5, b: false, z: null, s: 'x', a: [1, 'y'], o: { k: {} } }
    const body = serialize(Model, { customData })
    expect(body).toContain(
      '<customData type="object"><entry key="n" type="number">1.5</entry><entry key="b" type="boolean">false</entry><entry key="z" type="null"/><entry key="s">x</entry><entry key="a" type="array"><item type="number">1</item><item>y</item></entry>',
    )
    expect(parseXml(body, Model, { maxDepth: 64 })).toMatchObject({ customData })
  })

  it('writes numbers, booleans and dates as text', () => {
    const body = serialize(Model, { count: 42, active: true, createdAt: new Date(0) })
    expect(body).toContain('<count>42</count><active>true</active>')
    expect(body).toContain('<createdAt>1970-01-01T00:00:00.000Z</createdAt>')
  })

  it('follows recursive data and stops at the depth limit', () => {
    let user: User = { Id: 'leaf' }
    for (let i = 0; i < 10; i++)
      user = { Id: `u${i}`, Devices: [{ DeviceKey: `d${i}`, User: user }] }
    const body = serialize(CognitoUser, user, { maxDepth: 40 })
    expect(dom(body).name).toBe('CognitoUser')
    expect(parseXml(body, CognitoUser, { maxDepth: 40 })).toEqual(user)
    expect(() => serialize(CognitoUser, user, { maxDepth: 20 })).toThrow(SerializationError)
    const cyclic: Device = { DeviceKey: 'd' }
    cyclic.User = { Id: 'u', Devices: [cyclic] }
    expect(() => serialize(CognitoDevice, cyclic)).toThrow(/deeper than 64/)
  })
})
