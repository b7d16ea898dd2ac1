import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { requestUrl, splitUrl } from './request-url.ts'

const partsOf = (url: { pathname: string; search: string; searchParams: URLSearchParams }) => ({
  pathname: url.pathname,
  search: url.search,
  params: [...url.searchParams],
})

// What @hono/node-server passes through as it is (`reValidRequestUrl`, no dot segment): any
// other request line it parses with `new URL` first.
const RAW_CHARS = [
  ..."!#$&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~",
]
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/

describe('splitUrl', () => {
  it('reads the path and query new URL reads from any serialised URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const href = new URL(url).href
        expect(partsOf(splitUrl(href))).toEqual(partsOf(new URL(href)))
      }),
      { numRuns: 2000 },
    )
  })

  it('reads the path and query new URL reads from a request line @hono/node-server keeps as it is', () => {
    const line = fc
      .array(fc.constantFrom(...RAW_CHARS), { maxLength: 40 })
      .map((chars) => `/${chars.join('')}`)
      .filter((path) => !DOT_SEGMENT.test(path))
    fc.assert(
      fc.property(line, (path) => {
        const href = `http://127.0.0.1:8787${path}`
        const parsed = partsOf(new URL(href))
        // The one character `new URL` encodes in a query and the server leaves: `'`. Read as
        // parameters (or as a form, `readQuery`), `'` and `%27` are the same.
        parsed.search = parsed.search.replaceAll('%27', "'")
        expect(partsOf(splitUrl(href))).toEqual(parsed)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives an empty query as new URL does, and the root path to a URL without one', () => {
    expect(partsOf(splitUrl('http://h/a?'))).toEqual({ pathname: '/a', search: '', params: [] })
    expect(partsOf(splitUrl('http://h/a?#x'))).toEqual({ pathname: '/a', search: '', params: [] })
    expect(partsOf(splitUrl('http://h?x=/y'))).toEqual({
      pathname: '/',
      search: '?x=/y',
      params: [['x', '/y']],
    })
    expect(splitUrl('http://h/users.csv?skip=10#x').search).toBe('?skip=10')
  })
})

describe('requestUrl', () => {
  it('reads a request once', () => {
    const request = new Request('http://h/contacts/c1.xml?format=csv')
    expect(requestUrl(request)).toBe(requestUrl(request))
    expect(requestUrl(request).searchParams.get('format')).toBe('csv')
  })
})
