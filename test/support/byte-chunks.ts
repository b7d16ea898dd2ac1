import type { ByteChunks } from '../../src/formats/types.ts'

/** A body's bytes in one array: a document sent as its chunks joined, for comparing. */
export const bytesOf = (body: Uint8Array | ByteChunks): Uint8Array => {
  if (body instanceof Uint8Array) return body
  const bytes = new Uint8Array(body.byteLength)
  let at = 0
  for (const chunk of body.chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}
