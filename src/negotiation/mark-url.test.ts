import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { markUrl } from './mark-url.ts'
import { type MarkerStyle, urlFormat } from './url-format.ts'

const keys = ['json', 'hal', 'xml', 'csv', 'html']
const operations = ['CognitoSendConfirmCodeRequest']

describe('markUrl', () => {
  it.each([
    [
      'a suffix on the path',
      '/contacts?after=x&limit=1',
      'csv',
      ['suffix'],
      '/contacts.csv?after=x&limit=1',
    ],
    [
      'a suffix on a path with no query',
      '/contacts/export',
      'hal',
      ['suffix'],
      '/contacts/export.hal',
    ],
    [
      '?format= after the query',
      '/contacts?skip=0&limit=1',
      'xml',
      ['query'],
      '/contacts?skip=0&limit=1&format=xml',
    ],
    ['?format= as the whole query', '/healthz', 'csv', ['query'], '/healthz?format=csv'],
    [
      'the reply route around an operation',
      '/CognitoSendConfirmCodeRequest',
      'csv',
      ['reply'],
      '/csv/reply/CognitoSendConfirmCodeRequest',
    ],
    ['?format= where no suffix fits', '/', 'xml', ['suffix'], '/?format=xml'],
    [
      '?format= where the reply route does not fit',
      '/contacts/c1',
      'xml',
      ['reply'],
      '/contacts/c1?format=xml',
    ],
    [
      'every marker that agreed',
      '/Op',
      'csv',
      ['suffix', 'reply', 'query'],
      '/csv/reply/Op.csv?format=csv',
    ],
    ['nothing without a marker', '/contacts?skip=0', 'csv', [], '/contacts?skip=0'],
  ] as [string, string, string, MarkerStyle[], string][])(
    'writes %s',
    (_name, href, key, styles, expected) => {
      expect(markUrl(href, key, styles)).toBe(expected)
    },
  )

  it('names the format where urlFormat reads it, and routes the path it was given', () => {
    // No `.` or `..`: URLs resolve those away.
    const segment = fc.stringMatching(/^[\w~-][\w.~-]{0,7}$/)
    const path = fc.oneof(
      fc.constant('/'),
      fc.constant('/CognitoSendConfirmCodeRequest'),
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`),
    )
    const query = fc.constantFrom('', '?skip=0&limit=2', '?after=WzEsImEiXQ&limit=1')
    const styles = fc.subarray<MarkerStyle>(['suffix', 'reply', 'query'], { minLength: 1 })
    fc.assert(
      fc.property(path, query, fc.constantFrom(...keys), styles, (p, q, key, s) => {
        // A path that already reads as marked is no canonical link; only an operation's
        // request names its format in the reply route.
        fc.pre(urlFormat(p, new URLSearchParams(), keys, operations).key === undefined)
        fc.pre(!s.includes('reply') || operations.includes(p.slice(1)))
        const url = new URL(markUrl(`${p}${q}`, key, s), 'http://gateway.invalid')
        const read = urlFormat(url.pathname, url.searchParams, keys, operations)
        expect(read).toMatchObject({ path: p, key })
        url.searchParams.delete('format')
        expect(url.search).toBe(q)
      }),
    )
  })
})
