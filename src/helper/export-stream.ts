import type { ExportWriter } from '../formats/export-writer.ts'
import { utf8Sink } from './utf8-sink.ts'

/** One batch of a collection, in order, and whether the collection ends with it. */
export interface ExportBatch<T> {
  items: T[]
  end: boolean
}

export interface ExportStreamOptions<T> {
  /** The next batch each call (the store's keyset reader, which sizes its batches). */
  next: () => Promise<ExportBatch<T>>
  /** The writer, built when the consumer first reads (it may need a query, e.g. CSV columns). */
  writer: () => Promise<ExportWriter>
  /** Told about a failure after the headers went out; the stream then errors (a cut body). */
  onError?: (error: unknown) => void
}

/**
 * A collection as a byte stream, read a batch at a time with keyset paging underneath.
 *
 * Backpressure: `pull` runs only when the consumer wants more and the queue holds at most one
 * encoded batch (written as UTF-8 straight into 64 KB chunks, see `utf8Sink`), and one more
 * batch is read ahead, so memory stays at about two batches whatever the collection's size (a
 * Workers isolate has 128 MB). `cancel` (the client went away) stops the batches: a batch in
 * flight is dropped and no further one is read. Only web APIs, so it runs on Node and on
 * Workers alike.
 *
 * @example
 * const body = exportStream({
 *   next: store.contacts.exportReader(),
 *   writer: async () => exportWriter({ format: 'csv', ...options })!,
 * })
 * return new Response(body, { headers: { 'Content-Type': 'text/csv' } })
 */
export const exportStream = <T>(options: ExportStreamOptions<T>): ReadableStream<Uint8Array> => {
  let writer: ExportWriter | undefined
  let count = 0
  let cancelled = false
  // The next batch, asked for before this one is written: a store that reads elsewhere (D1,
  // over the network) reads it while this one is written.
  let ahead: Promise<ExportBatch<T>> | undefined
  // One sink for the whole stream: the chunk a batch's tail was copied out of takes the next.
  let sink: ReturnType<typeof utf8Sink> | undefined
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          sink ??= utf8Sink((chunk) => controller.enqueue(chunk))
          if (!writer) {
            writer = await options.writer()
            sink.write(writer.head())
          }
          const { items, end: done } = await (ahead ?? options.next())
          ahead = undefined
          if (cancelled) return
          count += items.length
          if (!done) {
            ahead = options.next()
            // Its failure is reported when it is awaited; a cancelled stream never awaits it.
            ahead.catch(() => undefined)
          }
          for (const item of items) sink.write(writer.item(item))
          if (done) sink.write(writer.tail(count))
          sink.flush()
          if (done) controller.close()
        } catch (error) {
          if (cancelled) return
          options.onError?.(error)
          controller.error(error)
        }
      },
      cancel() {
        cancelled = true
      },
    },
    // `pull` runs only when the queue is empty: one batch's chunks are queued ahead at most.
    new CountQueuingStrategy({ highWaterMark: 1 }),
  )
}
