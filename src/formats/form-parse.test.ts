import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { parseForm } from './form-parse.ts'
import { BodySyntaxError } from './types.ts'

const Contact = v.object({
  email: v.optional(v.string()),
  note: v.optional(v.string()),
  age: v.optional(v.number()),
  vip: v.optional(v.boolean()),
  address: v.optional(v.object({ city: v.string() })),
  Attributes: v.optional(v.record(v.string(), v.string())),
  customData: v.optional(v.unknown()),
  tags: v.optional(v.array(v.string())),
})
const read = (text: string) => parseForm(text, Contact, { maxDepth: 8 })

const syntaxError = (text: string): BodySyntaxError => {
  try {
    read(text)
  } catch (error) {
    expect(error).toBeInstanceOf(BodySyntaxError)
    return error as BodySyntaxError
  }
  throw new Error(`accepted ${JSON.stringify(text)}`)
}

describe('parseForm', () => {
  it('reads fields, coercing scalars by the schema', () => {
    expect(read('email=user%40example.com&age=42&vip=false')).toEqual({
      email: 'user@example.com',
      age: 42,
      vip: false,
    })
  })

  // As in JSON, a boolean is `true` or `false`, in lower case: other spellings are text.
  it.each(['TRUE', 'True', 'FALSE', 'False', '1', '0'])(
    'reads a boolean only as true or false, leaving %j as text',
    (text) => {
      expect(read(`vip=${text}`)).toEqual({ vip: text })
    },
  )

  it('reads + as a space and %2B as a plus, in names and values', () => {
    expect(read('note=a+b%2Bc&Attributes.my+key=x')).toEqual({
      note: 'a b+c',
      Attributes: { 'my key': 'x' },
    })
  })

  it('uses the CSV names: dotted objects, dictionary keys after the dot, JSON text arrays', () => {
    const body = 'address.city=Oslo&Attributes.a.b=1&customData.x.y=2&tags=%5B%22p%22%5D'
    expect(read(body)).toEqual({
      address: { city: 'Oslo' },
      Attributes: { 'a.b': '1' },
      customData: { x: { y: 2 } },
      tags: ['p'],
    })
  })

  it('types free-form text only when it is exactly how the value is written', () => {
    expect(read('customData.a=12345678901234567890&customData.b=1.10&customData.c=1e400')).toEqual({
      customData: { a: '12345678901234567890', b: '1.10', c: '1e400' },
    })
    expect(read('customData.a=-2.5&customData.b=false&customData.c=%5B1%5D')).toEqual({
      customData: { a: -2.5, b: false, c: [1] },
    })
  })

  it('reads dictionary keys that merely contain a forbidden word', () => {
    const value = read('Attributes.a.constructor=1&Attributes.x%5Bprototype%5D=y') as {
      Attributes: Record<string, string>
    }
    expect(value).toEqual({ Attributes: { 'a.constructor': '1', 'x[prototype]': 'y' } })
    expect(Object.getPrototypeOf(value.Attributes)).toBeNull()
  })

  it.each([
    ['email=a&email=b', '/email'],
    ['address.city=a&address.city=b', '/address/city'],
    ['Attributes.a.b=1&Attributes.a.b=2', '/Attributes/a.b'],
  ])('points at the member a field given twice sets (%s)', (body, pointer) => {
    expect(syntaxError(body).pointer).toBe(pointer)
  })

  it.each([
    ['a free-form object', 'customData=%7B%22x%22%3A1%2C%22x%22%3A2%7D', '/customData/x'],
    ['a typed array', 'tags=%5B%7B%22a%22%3A1%2C%22a%22%3A2%7D%5D', '/tags/0/a'],
  ])(
    'refuses JSON text in a field that names a member twice (%s), as a JSON body',
    (_, body, pointer) => {
      const error = syntaxError(body)
      expect(error.message).toMatch(/member "\w" is given twice/)
      expect(error.pointer).toBe(pointer)
    },
  )

  it('refuses a number out of range in JSON text, which would be stored as null', () => {
    expect(syntaxError('customData=%7B%22n%22%3A1e400%7D').pointer).toBe('/customData/n')
  })

  it('takes text as sent: no formula neutralisation to undo', () => {
    expect(read("note='%3Dx")).toEqual({ note: "'=x" })
  })

  it('reads an empty body, empty pairs and names without a value', () => {
    expect(read('')).toEqual({})
    expect(read('&email=a&&note')).toEqual({ email: 'a' })
    expect(read('note=')).toEqual({})
  })

  it('decodes multi-byte UTF-8', () => {
    expect(read('note=%E0%A4%A8%F0%9F%98%80')).toEqual({ note: 'न😀' })
  })

  it.each([
    ['a non-hex escape', 'note=%zz', /broken percent-escape "%zz"/, '/note'],
    ['a truncated escape', 'note=%E0%A4%A', /broken percent-escape "%A"/, '/note'],
    ['a lone percent sign', 'note=100%', /broken percent-escape "%"/, '/note'],
    ['a broken escape in a name', 'no%2te=1', /a field name has a broken percent-escape/, ''],
    ['a truncated UTF-8 sequence', 'note=%E0%A4', /not valid UTF-8/, '/note'],
    ['a byte that is never UTF-8', 'note=%FF', /not valid UTF-8/, '/note'],
    ['an overlong encoding', 'note=%C0%AF', /not valid UTF-8/, '/note'],
    ['an encoded surrogate', 'note=%ED%A0%80', /not valid UTF-8/, '/note'],
    ['invalid UTF-8 in a name', 'no%FFte=1', /a field name is not valid UTF-8/, ''],
    ['a duplicate name', 'email=a&email=b', /"email" is given twice/, '/email'],
    ['a duplicate name spelt differently', 'email=a&%65mail=b', /"email" is given twice/, '/email'],
  ])('rejects %s, pointing at its field', (_case, body, message, pointer) => {
    const error = syntaxError(body)
    expect(error.message).toMatch(message)
    expect(error.pointer).toBe(pointer)
  })

  it.each([
    ['__proto__[polluted]=1', '/__proto__'],
    ['__proto__.polluted=1', '/__proto__'],
    ['constructor[prototype][polluted]=1', '/constructor'],
    ['customData.constructor.prototype.polluted=1', '/customData/constructor'],
    ['Attributes.__proto__=1', '/Attributes/__proto__'],
    ['Attributes.constructor=1', '/Attributes/constructor'],
    ['customData.a.__proto__=1', '/customData/a/__proto__'],
    ['address.__proto__.polluted=1', '/address/__proto__'],
    ['email[__proto__][polluted]=1', '/email/__proto__'],
    ['%5F%5Fproto%5F%5F.polluted=1', '/__proto__'],
  ])('rejects %s', (body, pointer) => {
    expect(syntaxError(body).pointer).toBe(pointer)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each([
    ['customData.k=%7B%22%5Cudc00%22%3A1%7D', '/customData/k/\udc00'],
    ['tags=%5B%22a%22%2C%22%5Cud800%22%5D', '/tags/1'],
  ])('rejects a lone surrogate escaped in the JSON text of %s', (body, pointer) => {
    const error = syntaxError(body)
    expect(error.message).toMatch(/lone surrogate/)
    expect(error.pointer).toBe(pointer)
  })
})
