import type * as v from 'valibot'
import type { Format, SerializeContext } from './types.ts'

/**
 * A document written as text and encoded into UTF-8 bytes a chunk at a time. Text is appended
 * to `text`, which V8 keeps as a rope (a tree of the appended strings) until it is read; a
 * writer calls `flushIfLong` after each item it writes, and once the rope has outgrown `CHUNK`
 * it is encoded into `bytes` and starts again.
 *
 * Written as one rope, a 10,000-item page costs several times the writing itself: its hundreds
 * of thousands of pieces all live until the end, so the collector copies them out of the young
 * generation, and flattening the finished document walks them all again. Chunked, the pieces
 * die young, and the bytes go to a buffer kept for the next document, so a large page allocates
 * little more than its final string. A document that stays under `CHUNK` is returned as its
 * rope. Shared by the XML and CSV writers.
 */
export interface TextChunks {
  text: string
  bytes: Uint8Array
  /** Bytes of `bytes` in use. */
  length: number
}

/**
 * Text is encoded once it is this long: flattening a rope this size stays in the young
 * generation (V8 puts strings over 128 KiB straight into large-object space).
 */
export const CHUNK = 32 * 1024
/** The buffer is kept for the next document up to this size; larger ones are left to the GC. */
const KEPT_BYTES = 8 * 1024 * 1024

const encoder = new TextEncoder()
// Decoding gives back exactly the text written (a U+FEFF in it is text, not a byte order
// mark), but for lone surrogates, which UTF-8 cannot carry: they read back as U+FFFD, the bytes
// a response carries for them anyway. (The XML writer replaces them; CSV cells are written as
// stored.)
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
export const NO_BYTES = new Uint8Array(0)
/** The buffer of the last large document, for the next one. */
let spare: Uint8Array = NO_BYTES

/**
 * A document that went through the byte buffer as text: decoded (on this machine a string
 * over 128 KiB costs ~3 ns a byte to create by concatenation, most of a large page's time).
 */
export const asText = (bytes: Uint8Array): string => decoder.decode(bytes)

/**
 * A document that went through the byte buffer as its bytes: a copy (~0.1 ns a byte; the
 * buffer is kept for the next document), which a response sends as they are instead of
 * encoding the text again.
 */
export const asBytes = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes.slice()

/**
 * Runs `write` on `out` (a new document: its `text` is the start, no bytes yet) and returns
 * the document: its text while it stayed under `CHUNK`, else what `finish` makes of its
 * UTF-8 bytes.
 *
 * @example
 * written({ text: header, bytes: NO_BYTES, length: 0 }, (out) => {
 *   for (const row of rows) { out.text += line(row); flushIfLong(out) }
 * }, asBytes)
 */
export const written = <O extends TextChunks, T>(
  out: O,
  write: (out: O) => void,
  finish: (bytes: Uint8Array) => T,
): string | T => {
  // A getter in the data could write another document meanwhile: that gets its own buffer.
  out.bytes = spare
  spare = NO_BYTES
  try {
    write(out)
    if (out.length === 0) return out.text
    flush(out)
    return finish(out.bytes.subarray(0, out.length))
  } finally {
    if (out.bytes.length <= KEPT_BYTES) spare = out.bytes
  }
}

/** Encodes the text written so far once it has outgrown `CHUNK`. */
export const flushIfLong = (out: TextChunks): void => {
  if (out.text.length > CHUNK) flush(out)
}

/** Encodes the text written so far into the byte buffer, growing it as needed. */
const flush = (out: TextChunks): void => {
  // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4 bytes).
  const needed = out.length + out.text.length * 3
  if (needed > out.bytes.length) {
    const bytes = new Uint8Array(Math.max(needed, out.bytes.length * 2, CHUNK * 4))
    bytes.set(out.bytes.subarray(0, out.length))
    out.bytes = bytes
  }
  out.length += encoder.encodeInto(out.text, out.bytes.subarray(out.length)).written
  out.text = ''
}

/** A whole document of a format, as text or as what `finish` makes of its bytes. */
export type DocumentWriter = <T>(
  schema: v.GenericSchema,
  value: unknown,
  context: SerializeContext,
  finish: (bytes: Uint8Array) => T,
) => string | T

/**
 * A format's `serialize` (the document as text) and `serializeBody` (as its UTF-8 bytes once it
 * outgrew `CHUNK`) from its document writer.
 *
 * @example
 * export const xml: Format = { key: 'xml', ..., ...serializersOf(xmlDocument) }
 */
export const serializersOf = (
  document: DocumentWriter,
): Pick<Format, 'serialize' | 'serializeBody'> => ({
  serialize: (schema, value, context) => document(schema, value, context, asText),
  serializeBody: (schema, value, context) => document(schema, value, context, asBytes),
})
