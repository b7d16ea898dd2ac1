import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { resolve, shapeOf, type Shape, typeName } from '../model/shape.ts'
import { project } from './project.ts'
import { type ByteChunks, SerializationError, type SerializeContext } from './types.ts'
import { bytesOf } from '../../test/support/byte-chunks.ts'
import { xml, xmlItemWriter } from './xml.ts'

// The compiled, chunked writer in xml.ts against the straightforward one it replaced: one
// recursive walk that returns each element as a string. Both must give the same text for any
// data, including data that does not fit its schema and documents long enough to be chunked.

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
const NIL = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'
const ILLEGAL =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]'
const TEXT_ALL = new RegExp(`[&<>\\r]|${ILLEGAL}`, 'g')
const ATTR_ALL = new RegExp(`[&<>"\\t\\n\\r]|${ILLEGAL}`, 'g')
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
}
const escapeText = (s: string) => s.replace(TEXT_ALL, (c) => ESCAPES[c] ?? '\uFFFD')
const escapeAttr = (s: string) => s.replace(ATTR_ALL, (c) => ESCAPES[c] ?? '\uFFFD')
const NAME = /^[A-Za-z_][\w.-]*$/
const xmlName = (name: string) => {
  if (!NAME.test(name)) throw new SerializationError(`"${name}" is not a valid XML element name`)
  return name
}
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
const tooDeep = (maxDepth: number) =>
  new SerializationError(`data nested deeper than ${maxDepth} levels`)

const reference = {
  serialize: (schema: v.GenericSchema, value: unknown, context: SerializeContext): string => {
    const itemName = context.problem ? 'i' : ''
    const root = context.problem ? 'problem' : xmlName(typeName(schema) ?? 'resource')
    const attrs = context.problem ? ' xmlns="urn:ietf:rfc:7807"' : ''
    const w = { maxDepth: context.maxDepth, itemName }
    return DECLARATION + element(w, root, attrs, shapeOf(schema), value, 0)
  },
  item: (schema: v.GenericSchema, maxDepth: number, value: unknown): string => {
    const item = resolve(shapeOf(schema))
    const name = xmlName((item.kind === 'object' && item.name) || 'item')
    return element({ maxDepth, itemName: '' }, name, '', shapeOf(schema), value, 0)
  },
}

interface W {
  maxDepth: number
  itemName: string
}

const element = (
  w: W,
  name: string,
  attrs: string,
  shape: Shape,
  value: unknown,
  depth: number,
): string => {
  if (value === null || value === undefined) return `<${name}${attrs}${NIL}`
  if (depth > w.maxDepth) throw tooDeep(w.maxDepth)
  const s = resolve(shape)
  if (s.kind === 'unknown') return freeForm(w, name, attrs, value, depth)
  if (s.kind === 'object' && isPlainObject(value)) {
    const fields = s.fields.filter((f) => !f.writeOnly)
    for (const f of fields) xmlName(f.key)
    let out = `<${name}${attrs}>`
    for (const f of fields) {
      const member = value[f.key]
      if (member === undefined) continue
      // The member shortcut of the original: numbers of non-free-form members are plain text.
      if (member === null) out += `<${f.key}${NIL}`
      else if (depth + 1 > w.maxDepth) throw tooDeep(w.maxDepth)
      else if (typeof member === 'number' && f.shape.kind !== 'unknown')
        out += Number.isFinite(member) ? `<${f.key}>${member}</${f.key}>` : `<${f.key}${NIL}`
      else out += element(w, f.key, '', f.shape, member, depth + 1)
    }
    return `${out}</${name}>`
  }
  if (s.kind === 'array' && Array.isArray(value)) {
    const item = resolve(s.item)
    const itemName = w.itemName || xmlName((item.kind === 'object' && item.name) || 'item')
    let out = `<${name}${attrs}>`
    for (const member of value) out += element(w, itemName, '', s.item, member, depth + 1)
    return `${out}</${name}>`
  }
  if (s.kind === 'record' && isPlainObject(value)) {
    let out = `<${name}${attrs}>`
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member === undefined) continue
      out += element(w, 'entry', ` key="${escapeAttr(key)}"`, s.value, member, depth + 1)
    }
    return `${out}</${name}>`
  }
  switch (typeof value) {
    case 'string':
      return `<${name}${attrs}>${escapeText(value)}</${name}>`
    case 'number':
      return Number.isFinite(value)
        ? `<${name}${attrs}>${value}</${name}>`
        : `<${name}${attrs}${NIL}`
    case 'boolean':
      return `<${name}${attrs}>${value}</${name}>`
    case 'object':
      // An invalid date is what JSON.stringify makes of it: null.
      if (value instanceof Date)
        return Number.isNaN(value.getTime())
          ? `<${name}${attrs}${NIL}`
          : `<${name}${attrs}>${value.toISOString()}</${name}>`
      // An array where an object or a dictionary belongs: the data, its items projected.
      return Array.isArray(value) && (s.kind === 'object' || s.kind === 'record')
        ? freeForm(w, name, attrs, project(s, value, w.maxDepth, depth), depth)
        : freeForm(w, name, attrs, value, depth)
    default:
      return `<${name}${attrs}>${escapeText(String(value))}</${name}>`
  }
}

const freeForm = (w: W, name: string, attrs: string, value: unknown, depth: number): string => {
  if (depth > w.maxDepth) throw tooDeep(w.maxDepth)
  if (typeof value === 'string') return `<${name}${attrs}>${escapeText(value)}</${name}>`
  if (typeof value === 'boolean') return `<${name}${attrs} type="boolean">${value}</${name}>`
  if (typeof value === 'number' && Number.isFinite(value))
    return `<${name}${attrs} type="number">${value}</${name}>`
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return `<${name}${attrs}>${value.toISOString()}</${name}>`
  if (Array.isArray(value)) {
    let out = `<${name}${attrs} type="array">`
    for (const item of value) out += freeForm(w, 'item', '', item, depth + 1)
    return `${out}</${name}>`
  }
  if (isPlainObject(value)) {
    let out = `<${name}${attrs} type="object">`
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (member !== undefined)
        out += freeForm(w, 'entry', ` key="${escapeAttr(key)}"`, member, depth + 1)
    }
    return `${out}</${name}>`
  }
  return `<${name}${attrs} type="null"/>`
}

/** The same outcome from both writers: equal text, or the same error. */
const outcome = (write: () => string): string => {
  try {
    return write()
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`
  }
}

// The model: every shape the writer knows, a recursive pair, and a lazy member that resolves to
// free-form data (whose numbers the member shortcut writes without a type).
interface Node {
  label: string
  children?: Node[] | undefined
}
const Tree: v.GenericSchema<Node> = named(
  'Tree',
  v.object({ label: v.string(), children: v.optional(v.array(v.lazy(() => Tree))) }),
)
const Tag = named('Tag', v.object({ label: v.string(), weight: v.optional(v.number()) }))
const Item = named(
  'Item',
  v.object({
    id: v.string(),
    secret: writeOnly(v.string()),
    count: v.number(),
    active: v.optional(v.boolean()),
    kind: v.optional(v.picklist(['a', 'b'])),
    note: v.nullish(v.string()),
    nested: v.optional(v.object({ city: v.string(), zip: v.optional(v.string()) })),
    tags: v.optional(v.array(Tag)),
    words: v.optional(v.array(v.string())),
    attributes: v.optional(v.record(v.string(), v.string())),
    scores: v.optional(v.record(v.string(), v.number())),
    customData: v.optional(v.unknown()),
    lazyFree: v.optional(v.lazy(() => v.unknown())),
    tree: v.optional(Tree),
    createdAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  }),
)
const Page = named(
  'Items',
  v.object({ items: v.array(Item), total: v.number(), meta: v.optional(v.unknown()) }),
)

const special = fc.constantFrom(
  '\u0000',
  '\u000B',
  '\r',
  '\r\n',
  '\t',
  ']]>',
  '&',
  '<',
  '>',
  '"',
  '\uFEFF',
  '\uFFFE',
  '\uFFFF',
  '\uD800',
  '\uDFFF',
  '😀',
  'é',
  '中',
)
const text = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), special), { maxLength: 5 })
  .map((parts) => parts.join(''))
/** Long strings, so that a page of a few dozen items outgrows a chunk. */
const longText = fc.tuple(text, fc.integer({ min: 0, max: 400 })).map(([t, n]) => t.repeat(n))
const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: true,
  withTypedArray: true,
})
const number = fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity))
/** Values of the model's types, or of any type at all. */
const loose = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, anyValue)

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.record(
    { label: text, children: fc.array(tie('node'), { maxLength: 2 }) },
    { requiredKeys: ['label'] },
  ),
})).node

const item = (str: fc.Arbitrary<string>) =>
  fc.record(
    {
      id: loose(str),
      secret: str,
      count: loose(number),
      active: loose(fc.boolean()),
      kind: fc.constantFrom('a', 'b'),
      note: fc.option(str, { nil: null }),
      nested: loose(fc.record({ city: str, zip: str }, { requiredKeys: ['city'] })),
      tags: loose(fc.array(fc.record({ label: str, weight: number }), { maxLength: 3 })),
      words: fc.array(loose(str), { maxLength: 3 }),
      attributes: loose(fc.dictionary(str, str, { maxKeys: 3 })),
      scores: fc.dictionary(text, loose(number), { maxKeys: 3 }),
      customData: anyValue,
      lazyFree: anyValue,
      tree: node,
      createdAt: loose(fc.date().map((d) => (Number.isNaN(d.getTime()) ? d : d.toISOString()))),
    },
    { requiredKeys: ['id', 'count'] },
  )

const page = (str: fc.Arbitrary<string>, maxLength: number) =>
  fc.record({
    items: fc.array(item(str), { maxLength }),
    total: number,
    meta: anyValue,
  })

const context = (maxDepth: number, problem = false): SerializeContext => ({
  mediaType: 'application/xml',
  links: { self: { href: '/items' } },
  maxDepth,
  problem,
})

describe('xml writer against the straightforward writer', () => {
  it('writes the same text for any small page, resource or problem', () => {
    fc.assert(
      fc.property(page(text, 4), fc.integer({ min: 1, max: 12 }), fc.boolean(), (p, depth, pr) => {
        const c = context(depth, pr)
        expect(outcome(() => xml.serialize(Page, p, c))).toBe(
          outcome(() => reference.serialize(Page, p, c)),
        )
      }),
      { numRuns: 300 },
    )
  })

  it('writes the same text for pages long enough to be written in chunks', () => {
    fc.assert(
      fc.property(page(longText, 60), fc.integer({ min: 3, max: 12 }), (p, depth) => {
        const c = context(depth)
        const written = outcome(() => xml.serialize(Page, p, c))
        expect(written).toBe(outcome(() => reference.serialize(Page, p, c)))
      }),
      { numRuns: 40 },
    )
  })

  it('gives a response the same document, as its UTF-8 bytes once it outgrew a chunk, in bytes of its own', () => {
    const decode = (body: string | Uint8Array | ByteChunks) =>
      typeof body === 'string'
        ? body
        : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytesOf(body))
    let chunked = 0
    fc.assert(
      fc.property(page(longText, 60), fc.integer({ min: 3, max: 12 }), (p, depth) => {
        const c = context(depth)
        const text = outcome(() => xml.serialize(Page, p, c))
        const body = outcome(() => decode(xml.serializeBody!(Page, p, c)))
        expect(body).toBe(text)
        if (text.startsWith('SerializationError')) return
        const bytes = xml.serializeBody!(Page, p, c)
        if (typeof bytes === 'string') {
          expect(Buffer.byteLength(bytes)).toBeLessThanOrEqual(3 * 32 * 1024)
          return
        }
        chunked++
        expect(Buffer.byteLength(text)).toBeGreaterThan(32 * 1024)
        // The writer keeps its buffer for the next document: a body must not share it.
        xml.serialize(Page, { items: [{ id: 'x'.repeat(40_000), count: 1 }], total: 1 }, c)
        expect(decode(bytes)).toBe(text)
      }),
      // A failure stops at once: shrinking pages this large takes minutes.
      { numRuns: 40, endOnFailure: true },
    )
    expect(chunked).toBeGreaterThan(0)
  })

  it('writes the same items for a streamed export', () => {
    const write = xmlItemWriter(Item, 8)
    fc.assert(
      fc.property(item(longText), (value) => {
        expect(outcome(() => write(value))).toBe(outcome(() => reference.item(Item, 8, value)))
      }),
      { numRuns: 100 },
    )
  })

  it('chunks inside dictionaries and free-form data too, across multi-byte characters', () => {
    const pieces = ['a😀', '中&', '\uFEFF<', 'é\r', '\uD800x', 'y\uDFFF']
    const words = Array.from({ length: 20_000 }, (_, i) => pieces[i % pieces.length]!.repeat(i % 7))
    const attributes = Object.fromEntries(words.map((w, i) => [`${w}${i}`, w]))
    const customData = { list: words, map: attributes, deep: [[words], { words }] }
    const value = { items: [{ id: 'x', count: 1, attributes, customData }], total: 1 }
    const written = xml.serialize(Page, value, context(16))
    expect(written.length).toBeGreaterThan(500_000)
    expect(written).toBe(reference.serialize(Page, value, context(16)))
    const write = xmlItemWriter(Item, 16)
    expect(write(value.items[0])).toBe(reference.item(Item, 16, value.items[0]))
  })

  it('keys more dictionary entries than it keeps tags for, long keys included', () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `k"${i}\t`.padEnd(i % 3 ? 8 : 90, '<'))
    const scores = Object.fromEntries(keys.map((k, i) => [k, i]))
    const value = {
      items: [
        { id: 'x', count: 1, scores },
        { id: 'y', count: 2, scores },
      ],
      total: 2,
    }
    expect(xml.serialize(Page, value, context(8))).toBe(
      reference.serialize(Page, value, context(8)),
    )
  })

  it('starts every document afresh after one failed half-way', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ id: `i${i}`.repeat(20), count: i }))
    let tree: Node = { label: 'leaf' }
    for (let i = 0; i < 40; i++) tree = { label: `n${i}`, children: [tree] }
    const failing = { items: [...many, { id: 'deep', count: 0, tree }], total: 1 }
    expect(() => xml.serialize(Page, failing, context(32))).toThrow(/deeper than 32/)
    const value = { items: many, total: many.length }
    expect(xml.serialize(Page, value, context(32))).toBe(
      reference.serialize(Page, value, context(32)),
    )
    const small = { items: [{ id: 'a', count: 1 }], total: 1 }
    expect(xml.serialize(Page, small, context(32))).toBe(
      reference.serialize(Page, small, context(32)),
    )
  })

  it('gives a document written from inside another one its own buffer', () => {
    const inner = { items: Array.from({ length: 2000 }, (_, i) => ({ id: `in${i}`, count: i })) }
    let innerText = ''
    const items = Array.from({ length: 2000 }, (_, i) => ({ id: `out${i}`, count: i }))
    Object.defineProperty(items[1000], 'id', {
      enumerable: true,
      get: () => {
        innerText = xml.serialize(Page, { ...inner, total: 1 }, context(8))
        return 'got'
      },
    })
    const written = xml.serialize(Page, { items, total: 2 }, context(8))
    expect(innerText).toBe(reference.serialize(Page, { ...inner, total: 1 }, context(8)))
    items[1000] = { id: 'got', count: 1000 }
    expect(written).toBe(reference.serialize(Page, { items, total: 2 }, context(8)))
  })
})
