import type * as v from 'valibot'
import type { ByteChunks, Format, SerializeContext } from './types.ts'

/**
 * A document written as text and encoded into UTF-8 bytes a chunk at a time. Text is appended
 * to `text`, which V8 keeps as a rope (a tree of the appended strings) until it is read; a
 * writer calls `flushIfLong` after each item it writes, and once the rope has outgrown `CHUNK`
 * it is encoded into `bytes`, a buffer of `CHUNK_BYTES`, and starts again. A full buffer joins
 * `full` and the next one is new.
 *
 * Written as one rope, a 10,000-item page costs several times the writing itself: its hundreds
 * of thousands of pieces all live until the end, so the collector copies them out of the young
 * generation, and flattening the finished document walks them all again. Chunked, the pieces
 * die young, and the bytes go to a buffer kept for the next document, so a large page allocates
 * little more than its final string. A document that stays under `CHUNK` is returned as its
 * rope. Shared by the XML and CSV writers.
 *
 * A document past one buffer is never copied into one: its buffers are what a response sends
 * (`ByteChunks`), so it is held once, never twice, whatever its size. An XML page of 100
 * contacts at their limits is ~50 MB; one buffer grown to hold it, then copied out, held 115 MB
 * of bytes at once, most of a Workers isolate's 128 MB.
 */
export interface TextChunks {
  text: string
  /** The buffer being filled. */
  bytes: Uint8Array<ArrayBuffer>
  /** Bytes of `bytes` in use. */
  length: number
  /** The buffers filled before `bytes`, in order. */
  full: Uint8Array<ArrayBuffer>[]
}

/**
 * Text is encoded once it is this long: flattening a rope this size stays in the young
 * generation (V8 puts strings over 128 KiB straight into large-object space).
 */
export const CHUNK = 32 * 1024
/**
 * Bytes of one buffer: a document up to this size is one buffer (kept for the next document)
 * and a response gets a copy of it; a larger one gets the buffers themselves.
 */
export const CHUNK_BYTES = 1024 * 1024

const encoder = new TextEncoder()
// Decoding gives back exactly the text written (a U+FEFF in it is text, not a byte order
// mark), but for lone surrogates, which UTF-8 cannot carry: they read back as U+FFFD, the bytes
// a response carries for them anyway. (The XML writer replaces them; CSV cells are written as
// stored.)
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
export const NO_BYTES = new Uint8Array(0)
/** The buffer of the last document that fit in one, for the next one. */
let spare: Uint8Array<ArrayBuffer> = NO_BYTES

/**
 * A document that went through byte buffers as text: decoded (on this machine a string over
 * 128 KiB costs ~3 ns a byte to create by concatenation, most of a large page's time).
 */
export const asText = (chunks: readonly Uint8Array[]): string =>
  // One decode of the whole document costs less than one a buffer and joining the strings.
  decoder.decode(chunks.length === 1 ? chunks[0] : joinedBytes(chunks))

/**
 * The bytes of `chunks` in one array.
 *
 * @example
 * joinedBytes([new Uint8Array([1]), new Uint8Array([2, 3])]) // Uint8Array [1, 2, 3]
 */
export const joinedBytes = (chunks: readonly Uint8Array[]): Uint8Array => {
  const all = new Uint8Array(chunks.reduce((sum, c) => sum + c.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return all
}

/**
 * A document that went through byte buffers as its bytes, which a response sends as they are
 * instead of encoding the text again: one buffer as a copy (~0.1 ns a byte; the buffer is
 * kept for the next document), several as they are, never joined (`ByteChunks`).
 */
export const asBytes = (chunks: Uint8Array<ArrayBuffer>[]): Uint8Array<ArrayBuffer> | ByteChunks =>
  chunks.length === 1
    ? chunks[0]!.slice()
    : { chunks, byteLength: chunks.reduce((sum, c) => sum + c.byteLength, 0) }

/**
 * Runs `write` on `out` (a new document: its `text` is the start, no bytes yet) and returns
 * the document: its text while it stayed under `CHUNK`, else what `finish` makes of its
 * UTF-8 bytes, the buffers it filled in order.
 *
 * @example
 * written({ text: header, bytes: NO_BYTES, length: 0, full: [] }, (out) => {
 *   for (const row of rows) { out.text += line(row); flushIfLong(out) }
 * }, asBytes)
 */
export const written = <O extends TextChunks, T>(
  out: O,
  write: (out: O) => void,
  finish: (chunks: Uint8Array<ArrayBuffer>[]) => T,
): string | T => {
  // A getter in the data could write another document meanwhile: that gets its own buffer.
  out.bytes = spare
  spare = NO_BYTES
  try {
    write(out)
    if (out.length === 0 && out.full.length === 0) return out.text
    flush(out)
    return finish([...out.full, out.bytes.subarray(0, out.length)])
  } finally {
    // Buffers of a longer document may be a response's body now.
    if (out.full.length === 0) spare = out.bytes
  }
}

/** Encodes the text written so far once it has outgrown `CHUNK`. */
export const flushIfLong = (out: TextChunks): void => {
  if (out.text.length > CHUNK) flush(out)
}

/**
 * Encodes the text written so far into the buffer, and into new ones as each fills.
 * `encodeInto` stops before a character that does not fit, so none is split between two.
 */
const flush = (out: TextChunks): void => {
  let text = out.text
  out.text = ''
  for (;;) {
    const { read, written } = encoder.encodeInto(text, out.bytes.subarray(out.length))
    out.length += written
    if (read === text.length) return
    text = text.slice(read)
    if (out.length > 0) out.full.push(out.bytes.subarray(0, out.length))
    out.bytes = new Uint8Array(CHUNK_BYTES)
    out.length = 0
  }
}

/** A whole document of a format, as text or as what `finish` makes of its bytes. */
export type DocumentWriter = <T>(
  schema: v.GenericSchema,
  value: unknown,
  context: SerializeContext,
  finish: (chunks: Uint8Array<ArrayBuffer>[]) => T,
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
