import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { checkJsonValue } from './json-check.ts'
import { parseJson } from './json-parse.ts'
import { duplicateMember, scanJson } from './json-scan.ts'
import { BodySyntaxError } from './types.ts'

const parse = (text: string, maxDepth = 32) => parseJson(text, v.unknown(), { maxDepth })

/** The error a body raises; fails the test if it raises anything else or nothing. */
const syntaxError = (text: string): BodySyntaxError => {
  try {
    parse(text)
  } catch (error) {
    expect(error).toBeInstanceOf(BodySyntaxError)
    return error as BodySyntaxError
  }
  throw new Error('expected a BodySyntaxError')
}

/** Whether a JSON text names a member `parseJson` refuses whatever else it holds. */
const namesForbidden = (text: string) => /"(?:__proto__|constructor|prototype)":/.test(text)

/** Object members anywhere in a parsed value. */
const membersOf = (value: unknown): number => {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + membersOf(item), 0)
  if (value === null || typeof value !== 'object') return 0
  return Object.values(value).reduce((n: number, item) => n + 1 + membersOf(item), 0)
}

describe('parseJson: numbers', () => {
  it.each([
    ['a member', '{"n":1e400}', '/n'],
    ['an array item', '{"m":[1,-1e999]}', '/m/1'],
  ])('refuses one out of range in %s, which JSON.parse reads as Infinity', (_, text, pointer) => {
    const error = syntaxError(text)
    expect(error.message).toMatch(/out of range/)
    expect(error.pointer).toBe(pointer)
  })

  it('reads the largest and smallest doubles', () => {
    expect(parse('[1.7976931348623157e308,5e-324,-0]')).toEqual([
      1.7976931348623157e308, 5e-324, -0,
    ])
  })
})

describe('parseJson: a member given twice', () => {
  it.each([
    ['at the top', '{"email":"a@example.com","name":"A","email":"b@example.com"}', '/email'],
    ['nested', '{"customData":{"k":1,"k":2}}', '/customData/k'],
    ['in an array item', '{"tags":[{"a":1},{"b":1,"b":2}]}', '/tags/1/b'],
    ['spelt with an escape', '{"email":"a@example.com","\\u0065mail":"b@example.com"}', '/email'],
    ['around spaces', '{ "a" : 1 ,\n\t"a"\r\n:\t2 }', '/a'],
    ['empty', '{"":1,"":2}', '/'],
    ['with a slash and a tilde', '{"x":{"a/~b":1,"a/~b":2}}', '/x/a~1~0b'],
    ['after a string holding colons and quotes', '{"s":"a:\\":{","t":1,"t":2}', '/t'],
  ])('refuses one %s, with its pointer', (_, text, pointer) => {
    const error = syntaxError(text)
    expect(error.message).toMatch(/is given twice in one object; send each member once/)
    expect(error.pointer).toBe(pointer)
  })

  it('reads the same name in sibling objects, in strings and as values', () => {
    const text = '{"a":[{"id":1},{"id":2}],"b":{"id":"id:id"},"id":"{\\"id\\":1}"}'
    expect(parse(text)).toEqual(JSON.parse(text))
  })

  it('counts the members of any JSON text as JSON.parse keeps them, finding no duplicate', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t'), (value, space) => {
        const text = JSON.stringify(value, null, space)
        fc.pre(!namesForbidden(JSON.stringify(value)))
        expect(scanJson(text, 1000)).toEqual({ tooDeep: false, members: membersOf(value) })
        expect(duplicateMember(text)).toBeUndefined()
        expect(parse(text, 1000)).toEqual(JSON.parse(text))
      }),
    )
  })

  it('finds a name given twice wherever it sits, with the pointer to it', () => {
    // A path into nested containers, each step an object member or an array item among others.
    const step = fc.oneof(
      fc.record({ key: fc.string(), before: fc.dictionary(fc.string(), fc.jsonValue()) }),
      fc.record({ index: fc.nat(3) }),
    )
    const name = fc.string()
    fc.assert(
      fc.property(fc.array(step, { maxLength: 4 }), name, fc.jsonValue(), (path, key, value) => {
        let text = `{${JSON.stringify(key)}:${JSON.stringify(value)},${JSON.stringify(key)}:1}`
        let pointer = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`
        for (const s of [...path].reverse()) {
          if ('index' in s) {
            text = `[${'0,'.repeat(s.index)}${text}]`
            pointer = `/${s.index}${pointer}`
          } else {
            const others = Object.keys(s.before).filter((k) => k !== s.key)
            const before = others.map((k) => `${JSON.stringify(k)}:${JSON.stringify(s.before[k])},`)
            text = `{${before.join('')}${JSON.stringify(s.key)}:${text}}`
            pointer = `/${s.key.replaceAll('~', '~0').replaceAll('/', '~1')}${pointer}`
          }
        }
        fc.pre(!namesForbidden(text))
        const error = syntaxError(text)
        expect(error.pointer).toBe(pointer)
        expect(error.message).toContain(`member ${JSON.stringify(key)} is given twice`)
      }),
    )
  })
})

describe('parseJson: nesting past the limit', () => {
  it.each([
    ['an item', '[[1]]', 1, '/0/0'],
    ['a member', '{"a":[{"b":[1]}]}', 2, '/a/0/b'],
    ['an item of an array', '{"a":[{"b":[1]}]}', 3, '/a/0/b/0'],
    ['an empty container: the container', '{"a":{"b":{ }}}', 2, '/a/b'],
    ['a member spelt with escapes', '{"a/b":{"~\\u0063":{"d":1}}}', 2, '/a~1b/~0c/d'],
    ['a text that is not JSON past the limit', '[[[[[[', 3, '/0/0/0/0'],
  ])('is refused before parsing, pointing at %s', (_, text, limit, pointer) => {
    const error = (() => {
      try {
        parse(text, limit)
      } catch (e) {
        return e as BodySyntaxError
      }
    })()
    expect(error).toBeInstanceOf(BodySyntaxError)
    expect(error!.message).toBe(`JSON nested deeper than ${limit} levels`)
    expect(error!.pointer).toBe(pointer)
  })

  it('points where a JSON text in a CSV cell or form field would (checkJsonValue)', () => {
    const key = fc.stringMatching(/^[a-z~/]{1,3}$/)
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        // Not empty: an empty container one level past the limit is refused here, before
        // parsing (it nests too deep), and has no member there for checkJsonValue to refuse.
        fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
        fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 3 }),
      ),
    }))
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 5 }), (data, limit) => {
        const text = JSON.stringify(data)
        let expected: string | undefined
        try {
          checkJsonValue(JSON.parse(text), '', { maxDepth: limit })
        } catch (error) {
          expected = (error as BodySyntaxError).pointer
        }
        fc.pre(expected !== undefined)
        let found: string | undefined
        try {
          parse(text, limit)
        } catch (error) {
          found = (error as BodySyntaxError).pointer
        }
        expect(found).toBe(expected)
      }),
    )
  })
})

describe('parseJson: what it refuses besides', () => {
  it('refuses nesting past the limit before parsing, and forbidden members', () => {
    expect(() => parse('[[1]]', 1)).toThrow(/nested deeper than 1 levels/)
    expect(syntaxError('{"a":{"__proto__":{}}}').message).toMatch(/"__proto__" is not allowed/)
    expect(syntaxError('{"a":').message).toMatch(/malformed JSON/)
  })

  it.each([
    ['at the top', '{"__proto__":{}}', '/__proto__'],
    ['nested', '{"customData":{"a":{"constructor":1}}}', '/customData/a/constructor'],
    ['in an array item', '{"a":[1,{"b":{"prototype":1}}]}', '/a/1/b/prototype'],
    ['spelt with an escape', '{"x":{"\\u0063onstructor":1}}', '/x/constructor'],
  ])('refuses a forbidden member %s, with the full pointer to it', (_, text, pointer) => {
    const error = syntaxError(text)
    expect(error.message).toMatch(/ is not allowed/)
    expect(error.pointer).toBe(pointer)
  })

  it.each([
    ['a lone low surrogate in a name', '{"customData":{"k\\udc00":"v"}}', '/customData/k\udc00'],
    ['a lone high surrogate in a name', '{"\\ud800":1}', '/\ud800'],
    ['a lone surrogate in a value', '{"customData":{"k":"v\\udc01"}}', '/customData/k'],
    ['a reversed pair', '{"a":["x","\\ude00\\ud83d"]}', '/a/1'],
    ['a high surrogate at the end', '{"a":{"b":"x\\ud83d"}}', '/a/b'],
  ])('refuses %s, with the pointer to it', (_, text, pointer) => {
    const error = syntaxError(text)
    expect(error.message).toMatch(/lone surrogate \\uD[89A-F][0-9A-F]{2}, which is not text/)
    expect(error.pointer).toBe(pointer)
  })

  it('reads surrogate pairs, escaped or not', () => {
    expect(parse('{"\\ud83d\\ude00":"\\ud83d\\ude00"}')).toEqual({ '😀': '😀' })
    expect(parse('{"a":"😀\\ud83d\\ude00"}')).toEqual({ a: '😀😀' })
  })
})
