import { describe, expect, it } from 'vitest'
import { Contact } from '../model/contact.ts'
import { EXPORT_FORMATS, exportWriter } from './export-writer.ts'
import { formats } from './registry.ts'

describe('exportWriter', () => {
  it('has a streamed form for exactly the formats EXPORT_FORMATS names', () => {
    for (const { key } of formats) {
      const writer = exportWriter({
        format: key,
        rootName: 'Export',
        itemSchema: Contact,
        links: { self: { href: '/x' } },
        itemLinks: () => ({ self: { href: '/x/1' } }),
        maxDepth: 32,
      })
      expect(writer !== undefined, key).toBe((EXPORT_FORMATS as readonly string[]).includes(key))
    }
  })

  it('writes the CSV header in the order of the free-form keys given, integer-like ones too', () => {
    const writer = exportWriter({
      format: 'csv',
      rootName: 'Export',
      itemSchema: Contact,
      links: { self: { href: '/x' } },
      itemLinks: () => ({ self: { href: '/x/1' } }),
      maxDepth: 32,
      freeKeys: { customData: ['b', '10', '2', '__proto__'] },
    })!
    const header = writer.head().split('\r\n')[0]!.split(',')
    expect(header.filter((c) => c.startsWith('customData.'))).toEqual([
      'customData.b',
      'customData.10',
      'customData.2',
      'customData.__proto__',
    ])
  })
})
