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
})
