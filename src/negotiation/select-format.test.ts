import { describe, expect, it } from 'vitest'
import { selectFormat } from './select-format.ts'

const formats = [
  { key: 'json', mediaTypes: ['application/json'] },
  { key: 'hal', mediaTypes: ['application/hal+json'] },
  { key: 'xml', mediaTypes: ['application/xml', 'text/xml'] },
  {
    key: 'csv',
    mediaTypes: ['text/csv'],
    contentType: () => 'text/csv; charset=utf-8; header=present',
  },
]

const select = (url: string, accept?: string) => {
  const { pathname, searchParams } = new URL(url, 'http://gateway.test')
  return selectFormat(
    { path: pathname, search: searchParams, accept, operations: ['CognitoSendConfirmCodeRequest'] },
    formats,
  )
}

describe('selectFormat', () => {
  it.each([
    [
      'defaults to JSON without Accept',
      '/users',
      undefined,
      { key: 'json', mediaType: 'application/json', source: 'default' },
    ],
    [
      'defaults to JSON with an empty Accept',
      '/users',
      '',
      { key: 'json', mediaType: 'application/json', source: 'default' },
    ],
    [
      'defaults to JSON when every range is invalid',
      '/users',
      '*; q=.2',
      { key: 'json', mediaType: 'application/json', source: 'default' },
    ],
    [
      'follows Accept',
      '/users',
      'text/csv',
      { key: 'csv', mediaType: 'text/csv', source: 'accept' },
    ],
    [
      'maps text/xml back to xml',
      '/users',
      'text/xml',
      { key: 'xml', mediaType: 'text/xml', source: 'accept' },
    ],
    [
      'uses the first offer for */*',
      '/users',
      '*/*',
      { key: 'json', mediaType: 'application/json', source: 'accept' },
    ],
    [
      'lets a suffix override Accept',
      '/users.csv',
      'application/json',
      { key: 'csv', mediaType: 'text/csv', source: 'url', path: '/users' },
    ],
    [
      'echoes text/xml for .xml when Accept asks for it',
      '/users.xml',
      'text/xml',
      { key: 'xml', mediaType: 'text/xml', source: 'url', path: '/users' },
    ],
    [
      'uses the canonical type for .xml by default',
      '/users.xml',
      undefined,
      { key: 'xml', mediaType: 'application/xml', source: 'url' },
    ],
    [
      'uses the canonical type for .xml when Accept prefers it',
      '/users.xml',
      'application/xml, text/xml;q=0.5',
      { key: 'xml', mediaType: 'application/xml', source: 'url' },
    ],
    [
      'uses the canonical type for .xml when Accept rejects both',
      '/users.xml',
      'text/xml;q=0, image/png',
      { key: 'xml', mediaType: 'application/xml', source: 'url' },
    ],
    [
      'reads the ServiceStack reply route',
      '/csv/reply/CognitoSendConfirmCodeRequest',
      '*/*',
      { key: 'csv', mediaType: 'text/csv', source: 'url', path: '/CognitoSendConfirmCodeRequest' },
    ],
    [
      'reads ?format=',
      '/contacts?format=hal',
      'text/csv',
      { key: 'hal', mediaType: 'application/hal+json', source: 'url', path: '/contacts' },
    ],
  ])('%s', (_name, url, accept, expected) => {
    expect(select(url, accept)).toMatchObject({ ok: true, path: '/users', ...expected })
  })

  it.each([
    ['text/csv; header=present', { ok: true, key: 'csv', mediaType: 'text/csv' }],
    ['text/csv; header=absent', { ok: false, reason: 'not-acceptable' }],
    ['text/csv; header=absent, text/xml;q=0.1', { ok: true, key: 'xml', mediaType: 'text/xml' }],
    ['text/csv; charset=latin1', { ok: true, key: 'csv', mediaType: 'text/csv' }],
  ])('matches CSV to %j by the parameters of its Content-Type', (accept, expected) => {
    expect(select('/users', accept)).toMatchObject(expected)
  })

  it('sends CSV for .csv even when Accept asks for header=absent: the URL decides', () => {
    expect(select('/users.csv', 'text/csv; header=absent')).toMatchObject({
      ok: true,
      key: 'csv',
      mediaType: 'text/csv',
    })
  })

  it('says where the URL names the format, and nothing of where Accept chose it', () => {
    expect(select('/users.csv?format=csv', 'text/csv')).toMatchObject({
      source: 'url',
      styles: ['suffix', 'query'],
    })
    expect(select('/csv/reply/CognitoSendConfirmCodeRequest')).toMatchObject({ styles: ['reply'] })
    expect(select('/users', 'text/csv')).not.toHaveProperty('styles')
  })

  it('refuses an unknown ?format= value', () => {
    expect(select('/contacts?format=pdf', 'application/json')).toEqual({
      ok: false,
      reason: 'unknown-format',
      requested: 'pdf',
      path: '/contacts',
    })
  })

  it('refuses a ?format= given more than once, listing every value', () => {
    expect(select('/contacts?format=csv&format=pdf', 'application/json')).toEqual({
      ok: false,
      reason: 'repeated-format',
      requested: '"csv", "pdf"',
      path: '/contacts',
    })
  })

  it('refuses URL format markers that disagree, naming them', () => {
    expect(select('/CognitoSendConfirmCodeRequest.csv?format=xml', 'application/json')).toEqual({
      ok: false,
      reason: 'conflicting-format',
      requested: '.csv, ?format=xml',
      path: '/CognitoSendConfirmCodeRequest',
    })
  })

  it('reports the Accept header when nothing is acceptable', () => {
    expect(select('/users', 'image/png, application/problem+json')).toEqual({
      ok: false,
      reason: 'not-acceptable',
      requested: 'image/png, application/problem+json',
      path: '/users',
    })
  })

  it('is not acceptable when */*;q=0 excludes everything', () => {
    expect(select('/users', '*/*;q=0')).toMatchObject({ ok: false, reason: 'not-acceptable' })
  })

  it('prefers XML for a browser navigation, as the browser asks', () => {
    const chrome = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8'
    expect(select('/users', chrome)).toMatchObject({
      ok: true,
      key: 'xml',
      mediaType: 'application/xml',
    })
  })

  it('gives a browser navigation HTML once an HTML format is offered last', () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
    const all = [...formats, { key: 'html', mediaTypes: ['text/html'] }]
    const pick = (url: string, accept?: string) => {
      const { pathname, searchParams } = new URL(url, 'http://gateway.test')
      return selectFormat({ path: pathname, search: searchParams, accept }, all)
    }
    expect(pick('/users', browser)).toMatchObject({ key: 'html', mediaType: 'text/html' })
    expect(pick('/users', '*/*')).toMatchObject({ key: 'json' })
    expect(pick('/users.html', 'application/json')).toMatchObject({ key: 'html', path: '/users' })
    expect(pick('/users?format=csv', browser)).toMatchObject({ key: 'csv', source: 'url' })
  })

  it('is not acceptable when there are no formats', () => {
    const result = selectFormat({ path: '/', search: new URLSearchParams(), accept: undefined }, [])
    expect(result).toMatchObject({ ok: false, reason: 'not-acceptable', requested: '' })
  })

  describe('remembering what an Accept header chooses', () => {
    it('answers each offer list for itself', () => {
      const noCsv = formats.filter((f) => f.key !== 'csv')
      const among = (list: typeof formats, accept: string) =>
        selectFormat({ path: '/users', search: new URLSearchParams(), accept }, list)
      for (let i = 0; i < 2; i++) {
        expect(among(formats, 'text/csv')).toMatchObject({ ok: true, key: 'csv' })
        expect(among(noCsv, 'text/csv')).toMatchObject({ ok: false, reason: 'not-acceptable' })
        expect(among(noCsv, 'text/csv, */*;q=0.1')).toMatchObject({ key: 'json' })
      }
    })

    it('answers a URL format, a default and a refusal the same the second time', () => {
      for (let i = 0; i < 2; i++) {
        expect(select('/users.xml', 'text/xml')).toMatchObject({ key: 'xml', source: 'url' })
        expect(select('/users', '')).toMatchObject({ key: 'json', source: 'default' })
        expect(select('/users', '*; q=.2')).toMatchObject({ key: 'json', source: 'default' })
        expect(select('/users', 'image/png')).toMatchObject({ ok: false, requested: 'image/png' })
      }
    })

    it('tells headers apart by their whole text', () => {
      for (let i = 0; i < 100; i++) {
        const q = ((i % 9) + 1) / 10
        // Alike but for their end, which decides.
        const accept = `${'a/b;q=0.1, '.repeat(8)}application/json;q=${q}, text/csv;q=${q === 0.5 ? 0.4 : 0.5}`
        expect(select('/users', accept)).toMatchObject({ key: q >= 0.5 ? 'json' : 'csv' })
      }
    })

    it('stays right past the headers it keeps, and for headers too long to keep', () => {
      for (let i = 0; i < 1000; i++) {
        const q = ((i % 9) + 1) / 10
        const accept = `x/y${i}, application/json;q=${q}, text/csv;q=${q === 0.5 ? 0.4 : 0.5}`
        expect(select('/users', accept)).toMatchObject({ key: q >= 0.5 ? 'json' : 'csv' })
      }
      const long = `text/xml;q=0.9, ${'x/y;q=1;a="padding padding padding", '.repeat(20)}`
      expect(select('/users', long)).toMatchObject({ key: 'xml', mediaType: 'text/xml' })
      expect(select('/users', long)).toMatchObject({ key: 'xml', mediaType: 'text/xml' })
    })
  })
})
