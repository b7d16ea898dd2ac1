/** Bytes a chunk starts with; a longer string gets a chunk of its own size. */
const CHUNK_BYTES = 64 * 1024

const encoder = new TextEncoder()

/**
 * Text written as UTF-8 straight into fixed-size byte chunks. Each piece is encoded where it
 * lies (`TextEncoder.encodeInto`), so a batch of thousands of items never becomes one long
 * concatenated string that must be flattened before it can be encoded: on a 500-item batch
 * that flattening costs about ten times the encoding itself. A chunk is never written again
 * once it is out.
 *
 * `flush` hands over what is written: a chunk more than half full (or one made to fit a long
 * piece) as it is, a smaller part as a copy of its bytes, and the chunk stays for what comes
 * next. So a sink kept across a stream's batches, each flushed at its end, allocates about as
 * many bytes as it emits, not a fresh chunk per batch with its tail mostly empty; and none
 * until it is written to.
 *
 * @example
 * const sink = utf8Sink((chunk) => controller.enqueue(chunk))
 * sink.write('{"items":[')
 * sink.flush()
 */
export const utf8Sink = (emit: (chunk: Uint8Array) => void, chunkBytes = CHUNK_BYTES) => {
  let buffer: Uint8Array | undefined
  let used = 0
  const flush = () => {
    if (buffer === undefined || used === 0) return
    if (used * 2 > buffer.length || buffer.length > chunkBytes) {
      emit(buffer.subarray(0, used))
      buffer = undefined
    } else {
      emit(buffer.slice(0, used))
    }
    used = 0
  }
  return {
    write(text: string) {
      // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
      const most = text.length * 3
      if (buffer === undefined || buffer.length - used < most) {
        flush()
        if (buffer === undefined || buffer.length < most) {
          buffer = new Uint8Array(Math.max(chunkBytes, most))
        }
      }
      used += encoder.encodeInto(text, buffer.subarray(used)).written
    },
    flush,
  }
}
