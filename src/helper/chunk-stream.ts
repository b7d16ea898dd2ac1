import type { ByteChunks } from '../formats/types.ts'

const EMPTY = new Uint8Array(0)

/**
 * A response body of a document's chunks (`ByteChunks`), read one at a time: each is let go
 * once it is read, so a document of tens of MB leaves the isolate as the client takes it,
 * never joined into one buffer. Its length is known: workerd sends a stream's
 * `expectedLength` as Content-Length, where it would send chunks of unknown length (Node
 * ignores the member and sends the Content-Length header `send` sets).
 *
 * @example
 * new Response(chunkStream({ chunks: [head, tail], byteLength: head.length + tail.length }))
 */
export const chunkStream = (body: ByteChunks): ReadableStream<Uint8Array> => {
  const chunks = body.chunks
  let next = 0
  const source: UnderlyingDefaultSource<Uint8Array> & { expectedLength: number } = {
    expectedLength: body.byteLength,
    start(controller) {
      if (chunks.length === 0) controller.close()
    },
    pull(controller) {
      const chunk = chunks[next]!
      chunks[next++] = EMPTY
      controller.enqueue(chunk)
      if (next === chunks.length) controller.close()
    },
  }
  // Nothing read ahead: a chunk leaves the queue as the runtime writes it out.
  return new ReadableStream(source, { highWaterMark: 0 })
}
