import { describe, expect, it } from 'vitest'

const doc = import.meta.glob<string>('../fixtures/FORMATS.md', {
  query: '?raw',
  import: 'default',
  eager: true,
})['../fixtures/FORMATS.md']!
const fixtures = import.meta.glob<string>('../fixtures/*/*/*', {
  query: '?raw',
  import: 'default',
  eager: true,
})

const quotes = [...doc.matchAll(/Fixture `fixtures\/([^`]+)`:\n\n```\w*\n([\s\S]*?)\n```/g)]

describe('fixtures/FORMATS.md', () => {
  it('quotes fixtures', () => {
    expect(quotes.length).toBeGreaterThanOrEqual(10)
  })

  it.each(quotes.map((m) => [m[1]!, m[2]!]))('quotes %s as it is recorded', (path, text) => {
    const recorded = fixtures[`../fixtures/${path}`]
    expect(recorded, path).toBeDefined()
    // CSV and requests use CRLF on the wire; the page shows them with LF.
    expect(recorded!.replaceAll('\r\n', '\n')).toContain(text)
  })
})
