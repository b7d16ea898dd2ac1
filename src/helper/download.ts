import type { Format } from '../formats/types.ts'

/**
 * `Content-Disposition` of a body a client saves as a file (RFC 6266): an attachment named
 * for what it holds, the day it was made (UTC) and its format, so exports of different days
 * and formats never overwrite each other in a downloads folder. Browsers save it under that
 * name; API clients ignore the header.
 *
 * @example
 * attachment('contacts', csv, new Date('2026-11-24T09:30:00Z'))
 * // 'attachment; filename="contacts-2026-11-24.csv"'
 */
export const attachment = (name: string, format: Format, now: Date): string =>
  `attachment; filename="${name}-${now.toISOString().slice(0, 10)}.${format.extension}"`
