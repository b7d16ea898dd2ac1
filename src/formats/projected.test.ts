import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { arbitraryOf } from '../../test/support/arbitrary.ts'
import { named, writeOnly } from '../model/meta.ts'
import { models } from '../model/models.ts'
import { shapeOf } from '../model/shape.ts'
import { hal } from './hal.ts'
import { json } from './json.ts'
import { project } from './project.ts'
import { isProjection } from './projected.ts'

const links = { self: { href: '/x' } }
const context = { mediaType: 'application/json', links, maxDepth: 32 }
const Item = named('Item', v.object({ id: v.string(), secret: v.optional(writeOnly(v.string())) }))
const Page = named('Page', v.object({ items: v.array(Item), total: v.number() }))

// The writers before the copy-free path: the bytes they made are the contract.
const projectedJson = (schema: v.GenericSchema, value: unknown) =>
  JSON.stringify(project(shapeOf(schema), value, 32))

describe('copy-free JSON and HAL', () => {
  it('writes the same bytes as JSON.stringify of the projection, for every model', () => {
    for (const schema of Object.values(models)) {
      fc.assert(
        fc.property(arbitraryOf(schema), (value) => {
          expect(json.serialize(schema, value, context)).toBe(projectedJson(schema, value))
          const body = project(shapeOf(schema), value, 32) as object
          expect(hal.serialize(schema, value, context)).toBe(
            JSON.stringify({ ...body, _links: links }),
          )
        }),
        { numRuns: 50 },
      )
    }
  })

  it('copies when members are write-only, unknown, out of schema order or dates', () => {
    const shape = shapeOf(Item)
    expect(isProjection(shape, { id: 'a' }, 32)).toBe(true)
    expect(isProjection(shape, { id: 'a', secret: 's' }, 32)).toBe(false)
    expect(isProjection(shape, { id: 'a', extra: 1 }, 32)).toBe(false)
    expect(isProjection(shapeOf(Page), { total: 1, items: [] }, 32)).toBe(false)
    expect(isProjection(shape, { id: new Date(0) }, 32)).toBe(false)
    expect(json.serialize(Item, { id: 'a', secret: 's' }, context)).toBe('{"id":"a"}')
  })

  it('keeps a free-form __proto__ key as data, copied or not: never as the copy prototype', () => {
    const Bag = named('Bag', v.object({ data: v.unknown(), when: v.optional(v.date()) }))
    const data = JSON.parse('{"__proto__":{"x":1},"a":{"__proto__":"y"}}')
    const expected = '{"data":{"__proto__":{"x":1},"a":{"__proto__":"y"}}}'
    expect(json.serialize(Bag, { data }, context)).toBe(expected) // copy-free
    expect(JSON.stringify(project(shapeOf(Bag), { data }, 32))).toBe(expected)
    const copied = project(shapeOf(Bag), { data, when: new Date(0) }, 32) as { data: object }
    expect(Object.getPrototypeOf(copied.data)).toBe(Object.prototype)
    expect(JSON.stringify(copied)).toBe(
      '{"data":{"__proto__":{"x":1},"a":{"__proto__":"y"}},"when":"1970-01-01T00:00:00.000Z"}',
    )
  })

  it('writes a HAL page with _links after the members of each item and of the page', () => {
    const collection = {
      itemsKey: 'items',
      itemLinks: (i: unknown) => ({ self: { href: `/i/${(i as { id: string }).id}` } }),
    }
    const expected = (items: object[]) =>
      JSON.stringify({
        total: 2,
        _links: links,
        _embedded: {
          items: items.map((item, i) => ({ ...item, _links: { self: { href: `/i/${'ab'[i]}` } } })),
        },
      })
    // Copied by the projection (a write-only member), then as they are (cloned: never changed).
    const withSecret = { items: [{ id: 'a', secret: 's' }, { id: 'b' }], total: 2 }
    expect(hal.serialize(Page, withSecret, { ...context, collection })).toBe(
      expected([{ id: 'a' }, { id: 'b' }]),
    )
    const plain = { items: [{ id: 'a' }, { id: 'b' }], total: 2 }
    expect(hal.serialize(Page, plain, { ...context, collection })).toBe(expected(plain.items))
    expect(plain.items).toEqual([{ id: 'a' }, { id: 'b' }])
  })
})
