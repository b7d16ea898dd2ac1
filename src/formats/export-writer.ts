import type * as v from 'valibot'
import { shapeOf } from '../model/shape.ts'
import { csvRowWriter, encodeCell, headerLine } from './csv-row.ts'
import { addColumns, columnsOf, createTable, type FlatTable } from './flat.ts'
import { withLinks } from './hal.ts'
import { project } from './project.ts'
import { isProjection } from './projected.ts'
import type { Links } from './types.ts'
import { xmlItemWriter } from './xml.ts'

/**
 * A collection document written in pieces: `head`, then `item` per item in order, then `tail`
 * with the number of items written. The pieces concatenate to one well-formed document.
 */
export interface ExportWriter {
  head: () => string
  item: (value: unknown) => string
  tail: (count: number) => string
}

export interface ExportWriterOptions {
  /** Format key: `json`, `hal`, `xml` or `csv`. */
  format: string
  /** Root element name of the XML document (`Contacts`). */
  rootName: string
  itemSchema: v.GenericSchema
  /** The export's own links (HAL `_links`) and one item's links (each embedded item). */
  links: Links
  itemLinks: (item: unknown) => Links
  /** Nesting limit of each item, counted from the item, as in a page (`rootDepth`). */
  maxDepth: number
  /** CSV only: the header's columns (`csvColumns`); without it, the schema's static ones. */
  columns?: CsvColumns
}

/**
 * The columns of a streamed CSV, chosen before its first row: the item schema's static
 * columns, `<member>.<key>` for each free-form key given up front (in the order given), and
 * the columns of every sample added, as a page of those samples would have them (first-seen
 * order). A sample is an item or part of one: what the store knows adds columns.
 *
 * @example
 * const columns = csvColumns(Contact, 32, { customData: ['plan'] })
 * columns.add({ http_action_overrides: { query_params: { q: 'x' } } })
 * exportWriter({ ...options, format: 'csv', columns })
 */
export interface CsvColumns {
  add(sample: unknown): void
  readonly table: FlatTable
  /** The members whose keys were given up front: their object values stay one cell each. */
  readonly freeMembers: readonly string[]
}

export const csvColumns = (
  itemSchema: v.GenericSchema,
  maxDepth: number,
  freeKeys: Record<string, readonly string[]> = {},
): CsvColumns => {
  const table = createTable(shapeOf(itemSchema), maxDepth, encodeCell)
  // One key at a time, so the columns keep the order given: keys gathered on one object would
  // take JavaScript's order instead, integer-like keys first.
  for (const [member, keys] of Object.entries(freeKeys))
    for (const key of keys) addColumns(table, { [member]: { [key]: '' } })
  return {
    add: (sample) => addColumns(table, sample),
    table,
    freeMembers: Object.keys(freeKeys),
  }
}

/** Keys of the formats that have a streamed form (HTML has none). */
export const EXPORT_FORMATS = ['json', 'hal', 'xml', 'csv'] as const

/**
 * What the store can tell of a collection's items before the first one is read: the keys of
 * free-form members (`customData` → its keys, in first-seen order), and samples of the items
 * whose other members add keys (parts of items, in page order, a batch at a time). Only a
 * format that fixes its columns up front (CSV) asks for them.
 */
export interface ItemKeys {
  freeKeys: () => Promise<Record<string, readonly string[]>>
  samples: () => AsyncIterable<readonly unknown[]>
}

/**
 * `exportWriter` for a collection the store describes (`ItemKeys`): CSV chooses its header
 * from what the store tells, the other formats ask nothing.
 *
 * @example
 * const w = await openExportWriter(options, {
 *   freeKeys: async () => ({ customData: await contacts.customDataKeys() }),
 *   samples: () => contacts.columnSamples(),
 * })
 */
export const openExportWriter = async (
  o: Omit<ExportWriterOptions, 'columns'>,
  keys: ItemKeys,
): Promise<ExportWriter | undefined> => {
  if (o.format !== 'csv') return exportWriter(o)
  const columns = csvColumns(o.itemSchema, o.maxDepth, await keys.freeKeys())
  for await (const samples of keys.samples()) for (const sample of samples) columns.add(sample)
  return exportWriter({ ...o, columns })
}

/**
 * The streamed form of a collection in one format, or `undefined` for a format that has none
 * (HTML). Every item is written by the same code that writes a page's items, so an item's bytes
 * are the same in a page and in an export:
 * - json: `{"items":[…],"total":N}`; hal: `{"_links":…,"_embedded":{"items":[…]},"total":N}`;
 *   the total comes last because it is only known at the end.
 * - xml: `<?xml …?><Root><items><Item>…</Item>…</items><total>N</total></Root>`.
 * - csv: one header row fixed up front, then one row per item (see `csvWriter`).
 *
 * @example
 * const w = exportWriter({ format: 'json', rootName: 'Contacts', itemSchema: Contact, ...rest })!
 * w.head() + w.item(a) + w.item(b) + w.tail(2) // '{"items":[{…},{…}],"total":2}'
 */
export const exportWriter = (o: ExportWriterOptions): ExportWriter | undefined => {
  const shape = shapeOf(o.itemSchema)
  const projected = (item: unknown) =>
    isProjection(shape, item, o.maxDepth) ? item : project(shape, item, o.maxDepth)
  // JSON-family items after the first start with their separator, so pieces simply concatenate.
  const separated = (write: (item: unknown) => string): ((item: unknown) => string) => {
    let first = true
    return (item) => {
      const text = write(item)
      if (!first) return `,${text}`
      first = false
      return text
    }
  }
  switch (o.format) {
    case 'json':
      return {
        head: () => '{"items":[',
        item: separated((item) => JSON.stringify(projected(item))),
        tail: (count) => `],"total":${count}}`,
      }
    case 'hal':
      return {
        head: () => `${withLinks(o.links, {}).slice(0, -1)},"_embedded":{"items":[`,
        item: separated((item) => withLinks(o.itemLinks(item), projected(item))),
        tail: (count) => `]},"total":${count}}`,
      }
    case 'xml': {
      const write = xmlItemWriter(o.itemSchema, o.maxDepth)
      return {
        head: () => `<?xml version="1.0" encoding="UTF-8"?><${o.rootName}><items>`,
        item: write,
        tail: (count) => `</items><total>${count}</total></${o.rootName}>`,
      }
    }
    case 'csv':
      return csvWriter(o)
    default:
      return undefined
  }
}

/**
 * CSV with its columns chosen before the first row (`csvColumns`). Rows are flattened as a
 * page flattens them; an object value of a member whose keys were given up front is one cell
 * of its JSON text (as an array already is), since a column it would add could no longer join
 * the header. A cell for a key that is not in the header (written after the export began) is
 * left out. Rows are written by a writer compiled once for that header (`csvRowWriter`), not
 * flattened one by one.
 */
const csvWriter = (o: ExportWriterOptions): ExportWriter => {
  const { table, freeMembers } = o.columns ?? csvColumns(o.itemSchema, o.maxDepth)
  const columns = columnsOf(table)
  const line = csvRowWriter(table, columns, 0, { objectsAsText: freeMembers })
  return {
    head: () => headerLine(columns),
    item: line,
    tail: () => '',
  }
}
