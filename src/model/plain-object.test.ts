import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { shapeOf } from './shape.ts'
import { plainObject, plainRecord } from './plain-object.ts'

const Obj = plainObject({ a: v.optional(v.string()) })
const Rec = plainRecord(v.string(), v.string())

const messages = (schema: v.GenericSchema, input: unknown) =>
  v.safeParse(schema, input).issues?.map((issue) => issue.message)

describe('plainObject and plainRecord', () => {
  it.each([
    [[], 'an array'],
    [[{ a: 'x' }], 'an array'],
    ['x', 'a string'],
    [1, 'a number'],
    [true, 'a boolean'],
    [null, 'null'],
  ])('refuse %j with one message: must be an object, not %s', (input, what) => {
    expect(messages(Obj, input)).toEqual([`must be an object, not ${what}`])
    expect(messages(Rec, input)).toEqual([`must be an object, not ${what}`])
  })

  it('take an object as valibot does, and stay an object and a record to every reader', () => {
    expect(v.parse(Obj, { a: 'x', b: 1 })).toEqual({ a: 'x' })
    expect(v.parse(Rec, { a: 'x' })).toEqual({ a: 'x' })
    expect(shapeOf(Obj)).toMatchObject({ kind: 'object', fields: [{ key: 'a' }] })
    expect(shapeOf(Rec)).toMatchObject({ kind: 'record' })
  })
})
