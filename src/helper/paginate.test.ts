import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { isProjection } from '../formats/projected.ts'
import { collectionOf } from '../model/collection.ts'
import { shapeOf } from '../model/shape.ts'
import { cursorOf, pageAnswer, pageBody, pageLinks, readCursor } from './paginate.ts'

describe('cursorOf and readCursor', () => {
  it('read back the position and key written, whatever seq the key is', () => {
    fc.assert(
      fc.property(fc.nat(999_999_999), fc.maxSafeNat(), (skip, seq) => {
        const cursor = cursorOf(skip, seq)
        expect(cursor).toMatch(/^[\w-]+$/)
        expect(readCursor(cursor)).toEqual({ skip, key: seq })
      }),
    )
  })

  it('refuse a cursor from before rows were paged by seq (a createdAt and an id)', () => {
    const old = Buffer.from(JSON.stringify([50, '2025-01-01T00:00:00.000Z', 'c1']))
    expect(readCursor(old.toString('base64url'))).toBeUndefined()
  })

  it('refuse any other text without throwing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => readCursor(text)).not.toThrow()
      }),
    )
    const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const value of [
      [1, 'a'],
      [-1, 2],
      [1.5, 2],
      [1, 2.5],
      [1, -2],
      [1, '2'],
      [1],
      [1, 2, 3],
      {},
    ])
      expect(readCursor(encoded(value)), JSON.stringify(value)).toBeUndefined()
    expect(readCursor(Buffer.from([0xff, 0xfe]).toString('base64url'))).toBeUndefined()
  })

  it('refuse a position past the largest ?skip= (999999999), however it was forged', () => {
    const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const skip of [1_000_000_000, 1e15, Number.MAX_SAFE_INTEGER + 1])
      expect(readCursor(encoded([skip, 42])), String(skip)).toBeUndefined()
    expect(readCursor(encoded([999_999_999, 42]))).toEqual({ skip: 999_999_999, key: 42 })
    // Rows are numbered from 1: a place before the first is no row's, forged.
    expect(readCursor(encoded([0, 0]))).toBeUndefined()
  })
})

describe('pageLinks', () => {
  const start = 125
  const end = 149
  const rows = { start, end, items: Array.from({ length: 25 }, (_, i) => ({ id: `c${25 + i}` })) }

  it('links prev and next by cursor, first and last by position, each only where it exists', () => {
    const result = { total: 60, more: true, earlier: true, ...rows }
    expect(pageLinks('/users', { skip: 25, limit: 25 }, result)).toEqual({
      self: { href: '/users?skip=25&limit=25' },
      first: { href: '/users?skip=0&limit=25' },
      prev: { href: `/users?before=${cursorOf(0, start)}&limit=25` },
      next: { href: `/users?after=${cursorOf(50, end)}&limit=25` },
      last: { href: '/users?skip=50&limit=25' },
    })
    const only = { total: 20, more: false, earlier: false, ...rows }
    expect(Object.keys(pageLinks('/users', { skip: 0, limit: 25 }, only))).toEqual([
      'self',
      'first',
      'last',
    ])
  })

  const before = (skip: number, text: string) =>
    ({ skip, limit: 25, before: end, cursor: { name: 'before', text } }) as const

  it('names a page read with a cursor by that cursor', () => {
    const links = pageLinks('/users', before(50, 'abc'), {
      total: 60,
      more: true,
      earlier: true,
      ...rows,
    })
    expect(links.self).toEqual({ href: '/users?before=abc&limit=25' })
    expect(links.prev).toEqual({ href: `/users?before=${cursorOf(25, start)}&limit=25` })
  })

  it('starts the next page where the items end, after a page shorter than its limit', () => {
    // Read ?before= the row at position 2: positions 0 and 1.
    const result = { total: 60, more: true, earlier: false, start, end, items: [{}, {}] }
    expect(pageLinks('/users', before(0, 'x'), result).next).toEqual({
      href: `/users?after=${cursorOf(2, end)}&limit=25`,
    })
  })

  it('has no prev for a page read by key with nothing before it, whatever its cursor said', () => {
    const result = { total: 60, more: true, earlier: false, ...rows }
    expect(pageLinks('/users', before(3, 'x'), result).prev).toBeUndefined()
  })

  it('links back by position from a page past the end, which has no first row', () => {
    const result = {
      items: [],
      total: 60,
      more: false,
      earlier: true,
      start: undefined,
      end: undefined,
    }
    expect(pageLinks('/users', { skip: 500, limit: 25 }, result).prev).toEqual({
      href: '/users?skip=50&limit=25',
    })
  })
})

describe('pageBody', () => {
  it('is already the projection of a page, so JSON and HAL write it without a copy', () => {
    const Items = collectionOf('Items', v.object({ id: v.string() }))
    const result = {
      items: [{ id: 'a' }],
      total: 1,
      more: false,
      earlier: false,
      start: undefined,
      end: undefined,
    }
    const body = pageBody(result, { skip: 0, limit: 25 })
    expect(isProjection(shapeOf(Items), body, 32)).toBe(true)
  })
})

describe('pageAnswer', () => {
  it("gives respond the body, the links, the items' own links and the total as a header", () => {
    const result = {
      items: [{ id: 'a' }, { id: 'b' }],
      total: 7,
      more: true,
      earlier: false,
      start: 1,
      end: 2,
    }
    const page = { skip: 0, limit: 2 }
    const { value, options } = pageAnswer(
      page,
      result,
      '/notes',
      (n: { id: string }) => `/notes/${n.id}`,
    )
    expect(value).toEqual(pageBody(result, page))
    expect(options.links).toEqual(pageLinks('/notes', page, result))
    expect(options.headers).toEqual({ 'X-Total-Count': '7' })
    expect(options.collection.itemLinks({ id: 'b' })).toEqual({ self: { href: '/notes/b' } })
  })
})
