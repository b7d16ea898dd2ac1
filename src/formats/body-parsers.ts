import { parseCsv } from './csv-parse.ts'
import { parseForm } from './form-parse.ts'
import { parseJson } from './json-parse.ts'
import type { BodyParser } from './types.ts'
import { declaredXmlEncoding } from './xml-declaration.ts'
import { parseXml } from './xml-parse.ts'

/**
 * The request body types the gateway reads (SPEC §5), by media type, in the order 415
 * problems, OpenAPI and the metadata pages list them.
 */
export const bodyParsers: Readonly<Record<string, BodyParser>> = {
  'application/json': parseJson,
  'application/xml': parseXml,
  'text/xml': parseXml,
  'text/csv': parseCsv,
  'application/x-www-form-urlencoded': parseForm,
}

/**
 * Content-Type parameters a body type is read with, beyond `charset` (always UTF-8): a body
 * that names another value is refused (415) rather than misread. RFC 4180 §3 lets `text/csv`
 * say `header=absent`, but a CSV body's first row is always its header.
 */
export const bodyParameters: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'text/csv': { header: 'present' },
}

/** How a body type names its own encoding in its bytes, and what the name is called there. */
export interface DeclaredEncoding {
  of: (bytes: Uint8Array) => string | undefined
  by: string
}

/**
 * Body types whose bytes say how to read them: without a charset parameter an XML body's own
 * declaration decides (XML 1.0 §4.3.3, RFC 7303 §3.2).
 */
export const declaredEncodings: Readonly<Record<string, DeclaredEncoding>> = {
  'application/xml': { of: declaredXmlEncoding, by: 'the XML declaration' },
  'text/xml': { of: declaredXmlEncoding, by: 'the XML declaration' },
}
