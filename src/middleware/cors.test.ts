import { describe, expect, it } from 'vitest'
import { parseOrigins } from './cors.ts'

describe('parseOrigins', () => {
  it.each([
    [undefined, []],
    ['', []],
    [' , ', []],
    ['*', ['*']],
    ['https://a.example, http://localhost:5173', ['https://a.example', 'http://localhost:5173']],
    [
      ['https://a.example', 'https://[::1]:8443'],
      ['https://a.example', 'https://[::1]:8443'],
    ],
    ['https://xn--bcher-kva.example', ['https://xn--bcher-kva.example']],
  ])('reads %j as %j', (value, origins) => {
    expect(parseOrigins(value)).toEqual(origins)
  })

  it.each([
    ['https://a.example/', 'write "https://a.example"'],
    ['https://a.example/app', 'write "https://a.example"'],
    ['https://A.Example', 'write "https://a.example"'],
    ['https://a.example:443', 'write "https://a.example"'],
    ['https://a.example?x', 'write "https://a.example"'],
    ['not a url', '"not a url" is not an origin'],
    ['a.example', '"a.example" is not an origin'],
    ['file:///tmp/page.html', 'is not an origin'],
    ['null', '"null" is not an origin'],
  ])('refuses %j, saying %j', (value, message) => {
    expect(() => parseOrigins(`https://ok.example, ${value}`)).toThrow(message)
  })

  it('refuses a list that is not text', () => {
    expect(() => parseOrigins([1])).toThrow(/CORS_ORIGINS must be comma-separated origins/)
  })
})
