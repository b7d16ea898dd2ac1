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

/** Every media type the gateway can produce, in server order. */
export const mediaTypes = (): string[] => formats.flatMap((f) => [...f.mediaTypes])
