import { describe, expect, it } from 'vitest'
import { negotiateMediaType } from './negotiate.ts'

const offers = [
  'application/json',
  'application/hal+json',
  'application/xml',
  'text/xml',
  'text/csv',
]

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

// The five API media types alone, as offered before the HTML format: what an API-only server
// would answer. The gateway's own list ends with text/html (see `withHtml` below).
const cases: [name: string, accept: string | undefined, expected: string | undefined][] = [
  [
    'Chrome/Edge navigation prefers XML (q=0.9) over */* (q=0.8)',
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
    'application/xml',
  ],
  ['Firefox navigation', BROWSER, 'application/xml'],
  ['Safari navigation', BROWSER, 'application/xml'],
  [
    'Firefox 92-127 navigation (with image types)',
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    'application/xml',
  ],
  ['Internet Explorer 11', 'text/html, application/xhtml+xml, image/jxr, */*', 'application/json'],
  ['fetch()/XHR default', '*/*', 'application/json'],
  ['curl', '*/*', 'application/json'],
  ['wget', '*/*', 'application/json'],
  ['Python requests', '*/*', 'application/json'],
  ['Postman', '*/*', 'application/json'],
  ['Go net/http (no header)', undefined, 'application/json'],
  ['PowerShell Invoke-RestMethod (no header)', undefined, 'application/json'],
  ['axios', 'application/json, text/plain, */*', 'application/json'],
  ['Angular HttpClient', 'application/json, text/plain, */*', 'application/json'],
  ['HTTPie', 'application/json, */*;q=0.5', 'application/json'],
  ['jQuery dataType json', 'application/json, text/javascript, */*; q=0.01', 'application/json'],
  ['jQuery dataType xml', 'application/xml, text/xml, */*; q=0.01', 'application/xml'],
  ['Spring RestTemplate', 'application/json, application/*+json', 'application/json'],
  [
    'old Java default: `*` is invalid and skipped, */* gives JSON by server order',
    'text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2',
    'application/json',
  ],
  ['Excel / Power Query', 'text/csv', 'text/csv'],
  ['HAL client', 'application/hal+json', 'application/hal+json'],
  [
    'HAL client with JSON fallback',
    'application/hal+json, application/json;q=0.9',
    'application/hal+json',
  ],
  ['legacy SOAP-era client', 'text/xml', 'text/xml'],
  ['higher q beats header order', 'application/xml;q=0.5, text/csv', 'text/csv'],
  ['q=0 excludes the first offer', 'application/json;q=0, */*', 'application/hal+json'],
  ['*/*;q=0 excludes everything', '*/*;q=0', undefined],
  ['a charset on */* never prevents a match', '*/*; charset=utf-8', 'application/json'],
  [
    'a foreign charset on the type still matches',
    'application/json; charset=latin1',
    'application/json',
  ],
  ['text/* with charset: server order among text types', 'text/*;charset=utf-8', 'text/xml'],
  [
    'refusing another charset refuses nothing sent in UTF-8',
    'text/csv;charset=iso-8859-1;q=0, text/csv',
    'text/csv',
  ],
  ['refusing UTF-8 refuses the offer', 'text/csv;charset=UTF-8;q=0, text/*', 'text/xml'],
  ['CSV with header=present matches text/csv', 'text/csv; header=present', 'text/csv'],
  ['tie in q and specificity: header order', 'text/csv, application/xml', 'text/csv'],
  ['tie in q=0.5: header order', 'application/xml;q=0.5, text/csv;q=0.5', 'application/xml'],
  ['specificity beats header order', '*/*, text/csv', 'text/csv'],
  ['specificity beats a wildcard of equal q', 'text/*;q=0.5, text/csv;q=0.5', 'text/csv'],
  ['a more specific q=1 beats a lower wildcard', 'text/*;q=0.5, text/csv', 'text/csv'],
  ['the most specific range decides (text/csv;q=0)', 'text/*;q=0.5, text/csv;q=0', 'text/xml'],
  [
    'a range with parameters is more specific than the bare type',
    'text/csv;header=present;q=0.1, text/csv;q=0.9, text/xml;q=0.5',
    'text/xml',
  ],
  // A range named twice: the copy with the higher q decides, so a repeat never lowers what
  // another copy allows (as negotiator ranks them).
  ['a range named twice: q=0 after it refuses nothing', 'text/csv, text/csv;q=0', 'text/csv'],
  ['a range named twice: q=0 before it refuses nothing', 'text/csv;q=0, text/csv', 'text/csv'],
  [
    'a range named twice counts at its higher q',
    'text/csv;q=0.1, text/csv;q=0.9, application/xml;q=0.5',
    'text/csv',
  ],
  [
    'a range named twice counts at its higher q, whichever copy comes first',
    'text/csv;q=0.9, text/csv;q=0.1, application/xml;q=0.5',
    'text/csv',
  ],
  ['upper-case type', 'APPLICATION/JSON', 'application/json'],
  ['mixed case and upper-case Q', 'Text/CSV; Q=0.9, application/xml;q=0.5', 'text/csv'],
  ['lenient .5 qvalue', 'application/xml;q=.5, text/csv;q=.6', 'text/csv'],
  ['garbage range is skipped', 'garbage, text/csv', 'text/csv'],
  [
    'garbage bytes are skipped',
    '\u0000\u00ff/\u0001, application/hal+json',
    'application/hal+json',
  ],
  ['only empty parameters: no valid range, no preference', ';;;', 'application/json'],
  ['q=2 makes the range invalid', 'text/csv;q=2, application/xml', 'application/xml'],
  ['a lone invalid range means no preference', 'text/csv;q=2', 'application/json'],
  ['quoted comma does not split the list', 'text/csv;x="a,b", application/xml;q=0.1', 'text/csv'],
  ['empty header', '', 'application/json'],
  ['whitespace-only header', ' \t ', 'application/json'],
  ['empty list elements are ignored', ' , ,text/xml, ', 'text/xml'],
  ['image client', 'image/png', undefined],
  ['problem+json only', 'application/problem+json', undefined],
  ['application/* takes JSON by server order', 'application/*', 'application/json'],
]

describe('negotiateMediaType', () => {
  it.each(cases)('%s', (_name, accept, expected) => {
    expect(negotiateMediaType(accept, offers)).toBe(expected)
  })

  it('returns undefined when there are no offers', () => {
    expect(negotiateMediaType('*/*', [])).toBeUndefined()
  })

  it('returns the offer as given, whatever the case of the header', () => {
    expect(negotiateMediaType('TEXT/CSV', ['text/csv'])).toBe('text/csv')
  })

  it('stays fast on a long hostile header', () => {
    const header = 'text/csv;a=1;b=2;q=0.1,'.repeat(50_000) + 'application/json'
    const start = performance.now()
    expect(negotiateMediaType(header, offers)).toBe('text/csv')
    expect(performance.now() - start).toBeLessThan(200)
  })
})

// CSV offered as the registry sends it: a range naming another `header` (RFC 4180 §3) is not
// one CSV can answer, while parameters CSV does not define, and `charset`, never prevent it.
const CSV = 'text/csv;header=present'
const withCsvHeader = [...offers.slice(0, -1), CSV]

const csvCases: [name: string, accept: string, expected: string | undefined][] = [
  ['header=present matches', 'text/csv; header=present', CSV],
  ['header=absent is not acceptable', 'text/csv; header=absent', undefined],
  ['a quoted, upper-case header=absent', 'text/csv; header="ABSENT"', undefined],
  ['a quoted, capitalised header=present', 'text/csv; header="Present"', CSV],
  [
    'header=absent falls to the next range',
    'text/csv;header=absent, application/xml;q=0.5',
    'application/xml',
  ],
  ['header=absent with a bare text/csv at lower q', 'text/csv;header=absent, text/csv;q=0.5', CSV],
  ['header=absent on text/* leaves XML', 'text/*; header=absent', 'text/xml'],
  ['header=absent on */* leaves JSON', '*/*; header=absent', 'application/json'],
  ['a charset CSV does not send still matches', 'text/csv; charset=latin1; header=present', CSV],
  ['a parameter CSV does not define still matches', 'text/csv; version=2', CSV],
  ['a bare text/csv matches', 'text/csv', CSV],
]

describe('negotiateMediaType with offers that carry parameters', () => {
  it.each(csvCases)('%s', (_name, accept, expected) => {
    expect(negotiateMediaType(accept, withCsvHeader)).toBe(expected)
  })
})

// The gateway's offers: the registry ends with text/html, so browsers get a page while every
// API client keeps the answer it got before.
const withHtml = [...offers, 'text/html']
const CHROME =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'

const htmlCases: [name: string, accept: string | undefined, expected: string | undefined][] = [
  ['Chrome/Edge navigation', CHROME, 'text/html'],
  ['Firefox/Safari navigation', BROWSER, 'text/html'],
  ['Internet Explorer 11', 'text/html, application/xhtml+xml, image/jxr, */*', 'text/html'],
  [
    'old Java default names text/html first',
    'text/html, image/gif, *; q=.2, */*; q=.2',
    'text/html',
  ],
  ['*/* still means JSON', '*/*', 'application/json'],
  ['no header still means JSON', undefined, 'application/json'],
  ['axios', 'application/json, text/plain, */*', 'application/json'],
  ['jQuery dataType xml', 'application/xml, text/xml, */*; q=0.01', 'application/xml'],
  ['text/* keeps server order: XML before CSV before HTML', 'text/*', 'text/xml'],
  ['text/html refused with q=0', 'text/html;q=0, */*;q=0.1', 'application/json'],
  ['HTML below JSON by q', 'text/html;q=0.5, application/json', 'application/json'],
  ['XHTML alone is not HTML', 'application/xhtml+xml', undefined],
  ['text/html with a charset', 'text/html; charset=utf-8', 'text/html'],
]

describe('negotiateMediaType with the HTML offer last', () => {
  it.each(htmlCases)('%s', (_name, accept, expected) => {
    expect(negotiateMediaType(accept, withHtml)).toBe(expected)
  })
})
