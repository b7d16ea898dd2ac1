import { csv } from './csv.ts'
import { hal } from './hal.ts'
import { htmlFormat } from './html.ts'
import { json } from './json.ts'
import type { Format } from './types.ts'
import { xml } from './xml.ts'

/**
 * The single list of wire formats, in server preference order. Negotiation, Content-Type
 * headers, 406/415 messages, OpenAPI and docs all read it: adding a format is one file plus
 * one line here. HTML comes last: `*\/*` still means JSON, while a browser, which names
 * `text/html` first, gets a page.
 */
export const formats: readonly Format[] = [json, hal, xml, csv, htmlFormat(() => formats)]

/** A format by its key (`json`, `hal`, `xml`, `csv`, `html`). */
export const formatByKey = (key: string): Format | undefined => formats.find((f) => f.key === key)

/** The format that writes a media type (`text/xml` → xml). */
export const formatOfMediaType = (mediaType: string): Format | undefined =>
  formats.find((f) => f.mediaTypes.includes(mediaType))

/**
 * A Content-Type's media type, without parameters, lower-cased.
 *
 * @example
 * essence('Text/XML; charset=utf-8') // 'text/xml'
 */
export const essence = (contentType: string): string =>
  contentType.split(';')[0]!.trim().toLowerCase()

const byContentType = new Map<string, Format | undefined>()

/**
 * The format whose bytes a Content-Type announces, problems included (`application/problem+xml`
 * → xml; `application/problem+json` → json, the first of the formats that share it).
 *
 * @example
 * formatOfContentType('text/xml; charset=utf-8') // xml
 */
export const formatOfContentType = (contentType: string): Format | undefined => {
  // Asked for every response: the few Content-Types the gateway writes are looked up once.
  if (byContentType.has(contentType)) return byContentType.get(contentType)
  const type = essence(contentType)
  const format =
    formatOfMediaType(type) ?? formats.find((f) => essence(f.problemContentType) === type)
  if (byContentType.size < 64) byContentType.set(contentType, format)
  return format
}

/**
 * Every media type the gateway can produce, in server order; with `keys`, only those of the
 * formats it names (an endpoint's `formats`).
 *
 * @example
 * mediaTypes(['xml', 'csv']) // ['application/xml', 'text/xml', 'text/csv']
 */
export const mediaTypes = (keys?: readonly string[]): string[] =>
  formats.filter((f) => !keys || keys.includes(f.key)).flatMap((f) => [...f.mediaTypes])

/**
 * The problem media types that are no format's own media type (`application/problem+json`,
 * `application/problem+xml`), each with the format that writes it, in server order: the
 * problem types an Accept header may name when it names no format, which decide how the
 * gateway writes a problem raised when negotiation failed.
 *
 * @example
 * [...problemOnlyTypes().keys()] // ['application/problem+json', 'application/problem+xml']
 */
export const problemOnlyTypes = (): Map<string, Format> => {
  const types = new Map<string, Format>()
  for (const format of formats) {
    const type = essence(format.problemContentType)
    if (!mediaTypes().includes(type) && !types.has(type)) types.set(type, format)
  }
  return types
}
