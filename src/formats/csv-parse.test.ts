import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { CreateAmazonUser } from '../model/amazon-user.ts'
import { named } from '../model/meta.ts'
import { parseCsv } from './csv-parse.ts'
import { BodySyntaxError } from './types.ts'

const Request = named(
  'CognitoSendConfirmCodeRequest',
  v.object({
    EmailAddress: v.optional(v.string()),
    ConfirmationCode: v.optional(v.string()),
  }),
)
const Contact = v.object({
  name: v.string(),
  age: v.optional(v.number()),
  vip: v.optional(v.boolean()),
  Attributes: v.optional(v.record(v.string(), v.string())),
  customData: v.optional(v.unknown()),
  tags: v.optional(v.array(v.string())),
})
const Nested = v.object({
  Attributes: v.record(v.string(), v.string()),
  name: v.string(),
  customData: v.unknown(),
  address: v.object({ city: v.string(), tags: v.record(v.string(), v.string()) }),
  age: v.number(),
})
const options = { maxDepth: 8 }
const read = (text: string, schema: v.GenericSchema = Contact) => parseCsv(text, schema, options)

const syntaxError = (text: string, schema: v.GenericSchema = Contact): BodySyntaxError => {
  try {
    read(text, schema)
  } catch (error) {
    expect(error).toBeInstanceOf(BodySyntaxError)
    return error as BodySyntaxError
  }
  throw new Error(`accepted ${JSON.stringify(text)}`)
}

const EXPLAINED =
  'A CSV body is a header row naming the fields and one data row, e.g. "EmailAddress,ConfirmationCode\\r\\nString,String"'

describe('parseCsv', () => {
  it('reads a header row and one data row, keeping text fields as text', () => {
    expect(read('EmailAddress,ConfirmationCode\r\nuser@example.com,123456\r\n', Request)).toEqual({
      EmailAddress: 'user@example.com',
      ConfirmationCode: '123456',
    })
  })

  it('accepts LF line ends, no final line end and a UTF-8 BOM', () => {
    const expected = { name: 'Ann', age: 3 }
    expect(read('name,age\n"Ann",3\n')).toEqual(expected)
    expect(read('name,age\r\nAnn,3')).toEqual(expected)
    expect(read('\uFEFFname,age\r\nAnn,3\r\n')).toEqual(expected)
  })

  // Every mix of line breaks between and after the two records: none may end up in a value.
  const BREAKS = ['\r\n', '\n', '\r'] as const
  const mixes = BREAKS.flatMap((afterHeader) =>
    [...BREAKS, ''].map((afterRow) => [afterHeader, afterRow] as const),
  )
  it.each(mixes)('reads a header ended by %j and a row ended by %j alike', (header, row) => {
    expect(read(`name,age${header}Q,3${row}`)).toEqual({ name: 'Q', age: 3 })
    expect(read(`age,name${header}3,Q${row}`)).toEqual({ name: 'Q', age: 3 })
  })

  it.each(BREAKS.flatMap((a) => BREAKS.map((b) => [a, b] as const)))(
    'ignores empty lines after the data row (%j then %j)',
    (first, second) => {
      expect(read(`age,name\r\n3,Q${first}${second}`)).toEqual({ name: 'Q', age: 3 })
      expect(read(`age,name\n3,Q${first}${second}${second}`)).toEqual({ name: 'Q', age: 3 })
    },
  )

  it('keeps line breaks inside quotes as data, whatever the record breaks are', () => {
    expect(read('name,age\r\n"a\rb\nc\r\nd",3\n')).toEqual({ name: 'a\rb\nc\r\nd', age: 3 })
    expect(read('name,age\n"x ""q""\r\n",3\r')).toEqual({ name: 'x "q"\r\n', age: 3 })
    expect(read('age,name\r3,"\r"\r\n')).toEqual({ name: '\r', age: 3 })
  })

  it('coerces scalars by the schema and leaves what does not fit for validation', () => {
    expect(read('name,age,vip\r\n007,-5,true\r\n')).toEqual({ name: '007', age: -5, vip: true })
    expect(read('name,age,vip\r\nx,old,yes\r\n')).toEqual({ name: 'x', age: 'old', vip: 'yes' })
  })

  // As in JSON, a boolean is `true` or `false`, in lower case: other spellings are text.
  it.each(['TRUE', 'True', 'FALSE', 'False', '1', '0'])(
    'reads a boolean only as true or false, leaving %j as text',
    (text) => {
      expect(read(`name,vip\r\nx,${text}\r\n`)).toEqual({ name: 'x', vip: text })
    },
  )

  it('reads an empty cell as absent, but a required string as empty text', () => {
    expect(read('name,age,vip\r\n,,\r\n')).toEqual({ name: '' })
  })

  it.each(['name\r\n""\r\n', 'name\n""', 'name\r""\r\r\n', 'name\r\n""\n\n'])(
    'reads a one-column row whose only cell is "" (%j) as a row of one empty field',
    (body) => {
      expect(read(body)).toEqual({ name: '' })
      expect(read(body.replace('name', 'EmailAddress'), Request)).toEqual({})
    },
  )

  it('undoes formula neutralisation by exactly one quote', () => {
    const body = `name,customData.a,customData.b,customData.c\r\n'=1+1,'-5,-5,''@x\r\n`
    expect(read(body)).toEqual({ name: '=1+1', customData: { a: '-5', b: -5, c: "'@x" } })
    expect(read("name\r\n'plain\r\n")).toEqual({ name: "'plain" })
    expect(read("'=x,name\r\n1,n\r\n", v.record(v.string(), v.string()))).toEqual({
      '=x': '1',
      name: 'n',
    })
  })

  it('reads dictionary keys as the whole remainder and typed arrays as JSON text', () => {
    const body = 'name,Attributes.a.b,tags\r\nx,y,"[""p"",""q""]"\r\n'
    expect(read(body)).toEqual({ name: 'x', Attributes: { 'a.b': 'y' }, tags: ['p', 'q'] })
  })

  it.each([
    ['12345678901234567890', '12345678901234567890'],
    ['1.10', '1.10'],
    ['1e3', '1e3'],
    ['1e400', '1e400'],
    ['-1e-400', '-1e-400'],
    ['007', '007'],
    ['-0', '-0'],
    ['0x10', '0x10'],
    [' 5', ' 5'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['null', 'null'],
    ['TRUE', 'TRUE'],
    ['5', 5],
    ['-1.5', -1.5],
    ['1e+21', 1e21],
    ['1.7976931348623157e+308', Number.MAX_VALUE],
    ['5e-324', 5e-324],
    ['true', true],
  ])('reads the free-form cell %j as %j: typed only when written as it would be', (cell, value) => {
    expect(read(`name,customData.v\r\nx,"${cell}"\r\n`)).toEqual({
      name: 'x',
      customData: { v: value },
    })
  })

  it('reads a dictionary key as a key, only refusing one that is a forbidden name whole', () => {
    const Free = v.object({ customData: v.record(v.string(), v.unknown()) })
    const body =
      'customData.a.constructor,customData.x[prototype],customData.__proto__.y\r\n1,y,2\r\n'
    const value = read(body, Free) as { customData: Record<string, unknown> }
    expect(value).toEqual({
      customData: { 'a.constructor': 1, 'x[prototype]': 'y', '__proto__.y': 2 },
    })
    expect(Object.getPrototypeOf(value.customData)).toBeNull()
    expect(syntaxError('customData.constructor\r\n1\r\n', Free).pointer).toBe(
      '/customData/constructor',
    )
  })

  it('ignores columns that match no field', () => {
    expect(read('name,extra,name2.x,age.deeper\r\nx,1,2,3\r\n')).toEqual({ name: 'x' })
  })

  it('points at a typed array cell that is not JSON', () => {
    const error = syntaxError('name,tags\r\nx,[oops\r\n')
    expect(error.pointer).toBe('/tags')
    expect(error.message).toMatch(/"tags" must be JSON text, e\.g\. \["a","b"\]/)
  })

  it('shows an object as the example for a dictionary cell that is not JSON', () => {
    const error = syntaxError('name,Attributes\r\nx,oops\r\n')
    expect(error.pointer).toBe('/Attributes')
    expect(error.message).toMatch(/"Attributes" must be JSON text, e\.g\. \{"key":"value"\}/)
  })

  describe('rejects hostile or malformed bodies', () => {
    it('explains JSON sent as text/csv, as the ServiceStack seed page does', () => {
      const error = syntaxError('{"EmailAddress":"String","ConfirmationCode":"String"}', Request)
      expect(error.message).toContain(EXPLAINED)
      expect(error.message).toContain('this looks like JSON; send it as application/json')
      expect(syntaxError(' [1,2]', Request).message).toContain('looks like JSON')
    })

    it.each([
      [
        'write-only ones, which a body is where they are sent',
        CreateAmazonUser,
        '"accessToken,refreshToken\\r\\nString,String"',
      ],
      [
        'nested ones dotted, dictionaries and free-form ones not',
        Nested,
        '"name,address.city,age\\r\\nString,String,0"',
      ],
    ])('names its own fields in the example, %s', (_case, schema, example) => {
      expect(syntaxError('a,b\r\n1,2\r\n3,4\r\n', schema).message).toContain(`e.g. ${example}`)
    })

    it('gives no example for a body of no fields', () => {
      const error = syntaxError('a\r\n1\r\n2\r\n', v.object({}))
      expect(error.message).toMatch(/and one data row\.$/)
    })

    it.each([
      ['an empty body', '', /empty/],
      ['a blank body', ' \r\n ', /empty/],
      ['a header with no row', 'name,age\r\n', /no data row/],
      ['two data rows', 'name\r\na\r\nb\r\n', /2 data rows/],
      ['two data rows of ""', 'name\r\n""\r\n""\r\n', /2 data rows/],
      ['a blank line before the row', 'name\r\n\r\na\r\n', /2 data rows/],
      ['a blank LF line before the row', 'name\n\na', /2 data rows/],
      ['a blank CR line before the row', 'name\r\ra\r\r', /2 data rows/],
      ['a header and blank lines only', 'name\r\n\n\r', /no data row/],
      ['too few cells', 'name,age\r\nx\r\n', /names 2 fields but the data row has 1/],
      ['too many cells', 'name,age\r\nx,1,2\r\n', /names 2 fields but the data row has 3/],
      ['an unterminated quote', 'name,age\r\n"x,1\r\n', /Quoted field unterminated/],
      ['a malformed quote', 'name,age\r\n"x"y,1\r\n', /Malformed CSV/],
      ['a duplicate header name', 'name,name\r\nx,y\r\n', /names "name" twice/],
    ])('%s', (_case, body, message) => {
      const error = syntaxError(body, Request)
      expect(error.message).toMatch(message)
      expect(error.message).toContain(EXPLAINED)
    })

    it.each([
      ['__proto__.x', '/__proto__'],
      ['__proto__', '/__proto__'],
      ['constructor', '/constructor'],
      ['constructor.prototype.polluted', '/constructor'],
      ['Attributes.__proto__', '/Attributes/__proto__'],
      ['customData.a.prototype', '/customData/a/prototype'],
      ['__proto__[polluted]', '/__proto__'],
    ])('a %s column', (column, pointer) => {
      expect(syntaxError(`name,${column}\r\nx,1\r\n`).pointer).toBe(pointer)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    it.each([
      ['name,name', '/name'],
      ['name,customData.a,customData.a', '/customData/a'],
      ['name,Attributes.a.b,Attributes.a.b', '/Attributes/a.b'],
      ['name,extra,extra', '/extra'],
    ])('a duplicate column in %j, pointing at its member', (header, pointer) => {
      const cells = header.split(',').map(() => '1')
      const error = syntaxError(`${header}\r\n${cells.join(',')}\r\n`)
      expect(error.message).toMatch(/twice/)
      expect(error.pointer).toBe(pointer)
    })

    it('a duplicate column in another letter case, pointing at the member it names', () => {
      let error: unknown
      try {
        parseCsv('emailaddress,emailaddress\r\na@b.co,a@b.co\r\n', Request, {
          maxDepth: 32,
          ignoreCase: true,
        })
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(BodySyntaxError)
      expect((error as BodySyntaxError).pointer).toBe('/EmailAddress')
    })

    it('a forbidden member inside JSON text', () => {
      const error = syntaxError('name,customData\r\nx,"{""__proto__"":{""polluted"":1}}"\r\n')
      expect(error.pointer).toBe('/customData/__proto__')
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    it('a lone surrogate inside JSON text, escaped as JSON allows', () => {
      const error = syntaxError('name,customData\r\nx,"{""a"":{""k\\udc00"":1}}"\r\n')
      expect(error.pointer).toBe('/customData/a/k\udc00')
      expect(error.message).toMatch(/lone surrogate \\uDC00/)
      expect(syntaxError('name,tags\r\nx,"[""\\ud800""]"\r\n').pointer).toBe('/tags/0')
    })

    it('names nested deeper than the limit', () => {
      const column = `customData.${Array.from({ length: 10 }, (_, i) => `k${i}`).join('.')}`
      expect(syntaxError(`name,${column}\r\nx,1\r\n`).message).toMatch(/deeper than 8/)
    })
  })
})
