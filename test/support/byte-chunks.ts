import { joinedBytes } from '../../src/formats/chunked-text.ts'
import type { ByteChunks } from '../../src/formats/types.ts'

/** A body's bytes in one array: a document sent as its chunks joined, for comparing. */
export const bytesOf = (body: Uint8Array | ByteChunks): Uint8Array =>
  body instanceof Uint8Array ? body : joinedBytes(body.chunks)
