import { describe, expect, it } from 'vitest'
import { Contact } from '../model/contact.ts'
import {
  csvColumns,
  EXPORT_FORMATS,
  exportWriter,
  type ExportWriterOptions,
} from './export-writer.ts'
import { formats } from './registry.ts'

/** A contacts export writer in one format. */
const writerOf = (format: string, options: Partial<ExportWriterOptions> = {}) =>
  exportWriter({
    format,
    rootName: 'Export',
    itemSchema: Contact,
    links: { self: { href: '/x' } },
    itemLinks: () => ({ self: { href: '/x/1' } }),
    maxDepth: 32,
    ...options,
  })

describe('exportWriter', () => {
  it('has a streamed form for exactly the formats EXPORT_FORMATS names', () => {
    for (const { key } of formats) {
      const writer = writerOf(key)
      expect(writer !== undefined, key).toBe((EXPORT_FORMATS as readonly string[]).includes(key))
    }
  })

  it('writes the CSV header in the order of the free-form keys given, integer-like ones too', () => {
    const columns = csvColumns(Contact, 32, { customData: ['b', '10', '2', '__proto__'] })
    const writer = writerOf('csv', { columns })!
    const header = writer.head().split('\r\n')[0]!.split(',')
    expect(header.filter((c) => c.startsWith('customData.'))).toEqual([
      'customData.b',
      'customData.10',
      'customData.2',
      'customData.__proto__',
    ])
  })
})
