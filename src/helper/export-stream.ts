import type { ExportWriter } from '../formats/export-writer.ts'
import type { ExportBatch } from '../store/page.ts'
import { utf8Sink } from './utf8-sink.ts'

export interface ExportStreamOptions<T> {
  /** The next batch each call (the store's keyset reader, which sizes its batches). */
  next: () => Promise<ExportBatch<T>>
  /** The writer (it may need a query first, e.g. CSV columns). */
  writer: () => Promise<ExportWriter>
  /** Told about a failure after the headers went out; the stream then errors (a cut body). */
  onError?: (error: unknown) => void
}

// The streams `exportStream` made: a runtime whose server would end one that fails as if it
// were whole looks them up (`isExportStream`) to cut the response instead (Node).
const made = new WeakSet<object>()

/**
 * Whether a response body is an export's stream, which fails (errors) when the export does
 * after the first byte, and must then reach the client cut short.
 *
 * @example
 * isExportStream(await exportStream(options)) // true
 */
export const isExportStream = (body: unknown): body is ReadableStream<Uint8Array> =>
  typeof body === 'object' && body !== null && made.has(body)

/**
 * A collection as a byte stream, read a batch at a time (the store's reader: keyset paging, or
 * ranges of keys read ahead).
 *
 * It opens before the response does: the writer is built, the first batch read and written
 * (as text, kept until the consumer reads) before the promise resolves. So whatever fails
 * before the first byte (the store, the query a CSV header needs, an item that cannot be
 * written) rejects it, and the client gets an error status with a problem instead of a 200
 * whose body breaks off. Only a failure in a later batch cuts the body (`onError`).
 *
 * Backpressure: `pull` runs only when the consumer wants more and the queue holds at most one
 * encoded batch (written as UTF-8 straight into 64 KB chunks, see `utf8Sink`), and one more
 * batch is read ahead (a store may read further ahead itself: `rangedBatches`), so memory
 * stays at a few batches whatever the collection's size (a Workers isolate has 128 MB).
 * `cancel` (the client went away) stops the batches: a batch in flight is dropped and no
 * further one is read. Only web APIs, so it runs on Node and on Workers alike.
 *
 * @example
 * const body = await exportStream({
 *   next: store.contacts.exportReader(),
 *   writer: async () => exportWriter({ format: 'csv', ...options })!,
 * })
 * return new Response(body, { headers: { 'Content-Type': 'text/csv' } })
 */
export const exportStream = async <T>(
  options: ExportStreamOptions<T>,
): Promise<ReadableStream<Uint8Array>> => {
  const writer = await options.writer()
  let count = 0
  let cancelled = false
  // The next batch, asked for before this one is written: a store that reads elsewhere (D1,
  // over the network) reads it while this one is written.
  let ahead: Promise<ExportBatch<T>> | undefined
  /** Reads the next batch and writes it; true when the collection ended with it. */
  const step = async (write: (text: string) => void): Promise<boolean | undefined> => {
    const { items, end } = await (ahead ?? options.next())
    ahead = undefined
    if (cancelled) return undefined
    count += items.length
    if (!end) {
      ahead = options.next()
      // Its failure is reported when it is awaited; a cancelled stream never awaits it.
      ahead.catch(() => undefined)
    }
    for (const item of items) write(writer.item(item))
    if (end) write(writer.tail(count))
    return end
  }
  let opening: string[] | undefined = [writer.head()]
  const firstEnds = await step((text) => opening!.push(text))
  // One sink for the whole stream: the chunk a batch's tail was copied out of takes the next.
  let sink: ReturnType<typeof utf8Sink> | undefined
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          sink ??= utf8Sink((chunk) => controller.enqueue(chunk))
          let done: boolean | undefined
          if (opening) {
            for (const text of opening) sink.write(text)
            opening = undefined
            done = firstEnds
          } else {
            done = await step((text) => sink!.write(text))
          }
          if (done === undefined) return
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
  made.add(stream)
  return stream
}
