import { describe, expect, it } from 'vitest'
import { MAX_RANGES, parseAccept } from './accept.ts'

/** The ranges as plain tuples, for compact expectations. */
const parse = (header: string) =>
  parseAccept(header).map((r) => [
    `${r.type}/${r.subtype}`,
    r.q,
    r.index,
    Object.fromEntries(r.params),
  ])

describe('parseAccept', () => {
  it.each([
    ['one range', 'text/csv', [['text/csv', 1, 0, {}]]],
    [
      'q and header order',
      'a/b;q=0.5, c/d',
      [
        ['a/b', 0.5, 0, {}],
        ['c/d', 1, 1, {}],
      ],
    ],
    [
      'lower-cases type, subtype and parameter names',
      'Text/CSV; Q=0.9; Header=Present',
      [['text/csv', 0.9, 0, { header: 'Present' }]],
    ],
    [
      'OWS around semicolons',
      'text/csv \t;\t charset=utf-8 ;q=1',
      [['text/csv', 1, 0, { charset: 'utf-8' }]],
    ],
    [
      'quoted-string values with escapes',
      'a/b;x="1, \\"2\\"; 3"',
      [['a/b', 1, 0, { x: '1, "2"; 3' }]],
    ],
    ['empty parameters are legal', 'a/b;;q=0.5;', [['a/b', 0.5, 0, {}]]],
    ['parameters after q are kept', 'a/b;q=0.3;v=1', [['a/b', 0.3, 0, { v: '1' }]]],
    [
      'wildcards',
      '*/*, text/*',
      [
        ['*/*', 1, 0, {}],
        ['text/*', 1, 1, {}],
      ],
    ],
    ['lenient .2 qvalue', '*/*; q=.2', [['*/*', 0.2, 0, {}]]],
    [
      'three-decimal qvalues',
      'a/b;q=0.125, c/d;q=1.000, e/f;q=0.',
      [
        ['a/b', 0.125, 0, {}],
        ['c/d', 1, 1, {}],
        ['e/f', 0, 2, {}],
      ],
    ],
    ['empty list elements are ignored', ' , a/b ,, ', [['a/b', 1, 0, {}]]],
    ['nothing in an empty header', '', []],
  ])('parses %s', (_name, header, expected) => {
    expect(parse(header)).toEqual(expected)
  })

  it.each([
    ['the old Java `*`', '*; q=.2'],
    ['a type without subtype', 'text'],
    ['a missing type', '/json'],
    ['three parts', 'a/b/c'],
    ['a wildcard type with a concrete subtype', '*/json'],
    ['q above 1', 'a/b;q=2'],
    ['q of 1.5', 'a/b;q=1.5'],
    ['q with four decimals', 'a/b;q=0.1234'],
    ['negative q', 'a/b;q=-0.1'],
    ['quoted q', 'a/b;q="0.5"'],
    ['two q', 'a/b;q=0.5;q=0.6'],
    ['whitespace around =', 'a/b;q = 0.5'],
    ['a parameter without value', 'a/b;x'],
    ['an empty value', 'a/b;x='],
    ['a control character', 'a/b;x="a\u0001b"'],
    ['whitespace inside the type', 'text /csv'],
    ['garbage bytes', '\u0000\u00ff\u2603'],
    ['only semicolons', ';;;'],
  ])('skips %s', (_name, header) => {
    expect(parseAccept(`${header}, x/y`)).toMatchObject([{ type: 'x', subtype: 'y' }])
  })

  it('lets an unterminated quoted-string run to the end of the header', () => {
    expect(parse('a/b, c/d;x="abc, e/f')).toEqual([['a/b', 1, 0, {}]])
  })

  it('counts skipped ranges in the index, so header order stays true', () => {
    expect(parse('bad, a/b')).toEqual([['a/b', 1, 1, {}]])
  })

  it('resumes after an invalid range containing a quoted comma', () => {
    expect(parse('a/b;x="1,2" junk, c/d')).toEqual([['c/d', 1, 1, {}]])
  })

  it(`reads at most ${MAX_RANGES} list elements`, () => {
    const ranges = parseAccept(Array.from({ length: 100 }, (_, i) => `t/s${i}`).join(','))
    expect(ranges).toHaveLength(MAX_RANGES)
    expect(ranges.at(-1)).toMatchObject({ subtype: `s${MAX_RANGES - 1}` })
  })

  it('keeps a `__proto__` parameter as plain data', () => {
    const [range] = parseAccept('a/b;__proto__=x')
    expect(range?.params.get('__proto__')).toBe('x')
  })
})
