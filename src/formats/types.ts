import type * as v from 'valibot'

/** An RFC 8288 / HAL link. */
export interface Link {
  href: string
  title?: string
  templated?: boolean
}

export type Links = Record<string, Link>

/** What a collection representation knows beyond its items. */
export interface CollectionInfo {
  /** Name of the array member holding the items (`items`). */
  itemsKey: string
  /** Links of one item (at least `self`), used for HAL's `_embedded`. */
  itemLinks: (item: unknown) => Links
}

/**
 * Everything a serializer needs besides the schema and the value. Serializers are pure
 * functions `(schema, value, context) -> body` and know nothing of HTTP frameworks.
 */
export interface SerializeContext {
  /** The negotiated media type, echoed by formats that have several (`text/xml`). */
  mediaType: string
  /** Links of the resource; `self` is always present. */
  links: Links
  /**
   * The resource's URL with no format named in it, where `links.self` names the one the
   * request's URL did (`/users.html`): HTML's links to the other formats are made from it.
   * When absent, `links.self` is that URL.
   */
  canonical?: string
  /**
   * Set when the value answers a request that acted (a POST, a GET that sends a code): the
   * same URL in another format would act again, so an HTML page offers none.
   */
  acted?: boolean
  /** Set when the value is a collection page (`{ items, total, ... }`). */
  collection?: CollectionInfo
  /** Set when the value is an RFC 9457 problem. */
  problem?: boolean
  /**
   * Nesting limit for data (recursive types, cycles); deeper data is a serialization error.
   * It counts from the resource: a collection's items count from themselves (`rootDepth`).
   */
  maxDepth: number
}

/**
 * The depth a document's root counts at, where its resource counts from 0: a collection's
 * items sit two levels in (document → items → item), so its root counts at -2. The depth limit
 * then bounds a resource the same whether it is sent alone, in a page or in an export, and
 * whatever a request could store is written in every one of them.
 *
 * @example
 * project(shape, page, context.maxDepth, rootDepth(context))
 */
export const rootDepth = (context: SerializeContext): number =>
  context.collection && !context.problem ? -2 : 0

/** Thrown by a parser when a body is not well-formed for its format. */
export class BodySyntaxError extends Error {
  override name = 'BodySyntaxError'
  /** JSON pointer to the offending member, when known. */
  readonly pointer: string
  constructor(message: string, pointer = '') {
    super(message)
    this.pointer = pointer
  }
}

/** Thrown by a serializer when a value cannot be represented (too deep, a cycle). */
export class SerializationError extends Error {
  override name = 'SerializationError'
}

export interface ParseOptions {
  /** Maximum nesting depth of the body. */
  maxDepth: number
  /** Most members, elements and attributes, columns or fields the body may name (`Limits`). */
  maxNodes?: number
  /**
   * Member names match the schema's in any letter case, as ServiceStack binds request DTOs
   * (`emailaddress` is `EmailAddress`); two names for one member are refused.
   */
  ignoreCase?: boolean
}

/** What `Format.documentPolicy` reads of a request. */
export interface RequestHeaders {
  header: (name: string) => string | undefined
}

/** A document's Content-Security-Policy, and the request header it varies on, if any. */
export interface DocumentPolicy {
  policy: string
  vary?: string
}

/** One wire format: its media types, its serializer and its request-body parser. */
export interface Format {
  /** The key used by `?format=`, path suffixes and `/{format}/reply/`. */
  key: string
  /** Media types this format answers to; the first is the canonical one. */
  mediaTypes: readonly string[]
  /** Content-Type of the bytes for a given negotiated media type. */
  contentType: (mediaType: string) => string
  /** The file name extension of a body in this format saved as a file (`csv`, `hal.json`). */
  extension: string
  /** True when the body carries the links itself (HAL's `_links`): no `Link` header then. */
  linksInBody?: boolean
  /** Content-Type of a problem rendered in this format's family. */
  problemContentType: string
  /**
   * The Content-Security-Policy a browser needs to show this format's bytes (or its problems)
   * as a document, where the API's `default-src 'none'` would break it; `vary` names the
   * request header the choice read. None: the API's policy. The gateway's response headers
   * ask it by Content-Type, whoever built the response.
   */
  documentPolicy?: (request: RequestHeaders) => DocumentPolicy | undefined
  /**
   * OpenAPI shows no example of this format's bytes: a whole browser page per operation would
   * double the document and show nothing the other examples do not.
   */
  noExample?: boolean
  serialize: (schema: v.GenericSchema, value: unknown, context: SerializeContext) => string
  /**
   * The body a response sends, where the writer holds the document's UTF-8 bytes already (XML
   * and CSV past 32 KiB): those bytes, which the response sends as they are, instead of text it
   * would encode again; past 1 MiB, as the buffers they were written into (`ByteChunks`). The
   * same document as `serialize`; without this member, `serialize` is used.
   */
  serializeBody?: (
    schema: v.GenericSchema,
    value: unknown,
    context: SerializeContext,
  ) => string | Uint8Array<ArrayBuffer> | ByteChunks
}

/**
 * A document's UTF-8 bytes in the buffers it was written into, in order: a response streams
 * them one after another, so a document of any size is held once and never joined into a
 * second buffer its size.
 */
export interface ByteChunks {
  readonly chunks: Uint8Array<ArrayBuffer>[]
  /** The bytes of all the chunks. */
  readonly byteLength: number
}

/**
 * A date's text (ISO 8601, UTC), or `null` for an invalid date: what `JSON.stringify` writes
 * for it, so every format writes such a date as it writes `null`, not as a `RangeError`.
 *
 * @example
 * dateText(new Date(0)) // '1970-01-01T00:00:00.000Z'
 * dateText(new Date(NaN)) // null
 */
export const dateText = (date: Date): string | null =>
  Number.isNaN(date.getTime()) ? null : date.toISOString()

/** An object that serializes member by member: not an array, not a date. */
export const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

/**
 * The error of a body that names more than `maxNodes` members, elements, columns or fields:
 * counted before it is parsed, which would cost more than a request should.
 *
 * @example
 * throw tooManyNodes('members', 10_000)
 */
export const tooManyNodes = (what: string, maxNodes: number): BodySyntaxError =>
  new BodySyntaxError(
    `the body names more than ${maxNodes.toLocaleString('en')} ${what}, more than any body the gateway reads holds`,
  )

/**
 * A request-body parser: text to a raw value shaped (and scalar-coerced) by the schema, which
 * valibot then validates. Throws `BodySyntaxError` for malformed input.
 */
export type BodyParser = (text: string, schema: v.GenericSchema, options: ParseOptions) => unknown
