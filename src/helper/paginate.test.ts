import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { isProjection } from '../formats/projected.ts'
import { collectionOf } from '../model/collection.ts'
import { shapeOf } from '../model/shape.ts'
import { cursorAfter, pageBody, pageLinks, readCursor } from './paginate.ts'

describe('cursorAfter and readCursor', () => {
  it('read back the position and key written, whatever text the key holds', () => {
    const part = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
    fc.assert(
      fc.property(fc.nat(999_999_999), part, part, (skip, createdAt, id) => {
        const cursor = cursorAfter(skip, [createdAt, id])
        expect(cursor).toMatch(/^[\w-]+$/)
        expect(readCursor(cursor)).toEqual({ skip, after: [createdAt, id] })
      }),
    )
  })

  it('refuse any other text without throwing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => readCursor(text)).not.toThrow()
      }),
    )
    const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const value of [[1, 'a'], [-1, 'a', 'b'], [1.5, 'a', 'b'], [1, '', 'b'], [1, 'a', 2], {}])
      expect(readCursor(encoded(value)), JSON.stringify(value)).toBeUndefined()
    expect(readCursor(Buffer.from([0xff, 0xfe]).toString('base64url'))).toBeUndefined()
  })
})

describe('pageLinks', () => {
  const end = ['2025-01-01T00:00:00.000Z', 'c49'] as const

  it('links next by cursor, the others by position, and prev and next only where they exist', () => {
    const links = pageLinks('/users', { skip: 25, limit: 25 }, { total: 60, more: true, end })
    expect(links).toEqual({
      self: { href: '/users?skip=25&limit=25' },
      first: { href: '/users?skip=0&limit=25' },
      prev: { href: '/users?skip=0&limit=25' },
      next: { href: `/users?after=${cursorAfter(50, end)}&limit=25` },
      last: { href: '/users?skip=50&limit=25' },
    })
    const first = pageLinks('/users', { skip: 0, limit: 25 }, { total: 20, more: false, end })
    expect(Object.keys(first)).toEqual(['self', 'first', 'last'])
  })

  it('names a page read with a cursor by that cursor', () => {
    const page = { skip: 50, limit: 25, after: end, cursor: 'abc' }
    const links = pageLinks('/users', page, { total: 60, more: false, end })
    expect(links.self).toEqual({ href: '/users?after=abc&limit=25' })
    expect(links.prev).toEqual({ href: '/users?skip=25&limit=25' })
  })
})

describe('pageBody', () => {
  it('is already the projection of a page, so JSON and HAL write it without a copy', () => {
    const Items = collectionOf('Items', v.object({ id: v.string() }))
    const result = { items: [{ id: 'a' }], total: 1, more: false, end: undefined }
    const body = pageBody(result, { skip: 0, limit: 25, after: undefined })
    expect(isProjection(shapeOf(Items), body, 32)).toBe(true)
  })
})
