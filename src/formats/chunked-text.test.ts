import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { bytesOf } from '../../test/support/byte-chunks.ts'
import { named } from '../model/meta.ts'
import { CHUNK_BYTES } from './chunked-text.ts'
import { csv } from './csv.ts'
import type { ByteChunks, Format, SerializeContext } from './types.ts'
import { xml } from './xml.ts'

const Note = named('Note', v.object({ id: v.string(), text: v.string(), data: v.unknown() }))
const Notes = named('Notes', v.object({ items: v.array(Note), total: v.number() }))

const context: SerializeContext = {
  mediaType: 'application/xml',
  links: { self: { href: '/notes' } },
  maxDepth: 32,
  collection: { itemsKey: 'items', itemLinks: () => ({ self: { href: '/notes/x' } }) },
}

// Characters of 1, 2, 3 and 4 UTF-8 bytes, so buffer ends fall inside every kind of character.
const notes = (n: number, seed = 'a') => ({
  items: Array.from({ length: n }, (_, i) => ({
    id: `${seed}${i}`,
    text: `${seed}é中😀`.repeat(5000 + i),
    data: { list: Array.from({ length: 500 }, (_, j) => j % 3) },
  })),
  total: n,
})

const bodyOf = (format: Format, value: unknown) => format.serializeBody!(Notes, value, context)

describe.each([xml, csv])('$key documents past one buffer', (format) => {
  it('go to a response as the buffers they were written into, never joined into one', () => {
    const body = bodyOf(format, notes(80)) as ByteChunks
    const text = format.serialize(Notes, notes(80), context)
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * CHUNK_BYTES)
    expect(body).not.toBeInstanceOf(Uint8Array)
    expect(body.chunks.length).toBeGreaterThan(3)
    // No buffer holds more than one chunk's worth: the document is held once, a chunk at a time.
    for (const chunk of body.chunks)
      expect(chunk.buffer.byteLength).toBeLessThanOrEqual(CHUNK_BYTES)
    expect(body.byteLength).toBe(Buffer.byteLength(text))
    expect(Buffer.from(bytesOf(body)).equals(Buffer.from(text))).toBe(true)
  })

  it('never split a character between two buffers', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
    const body = bodyOf(format, notes(40)) as ByteChunks
    const pieces = body.chunks.map((chunk) => strict.decode(chunk))
    expect(pieces.join('')).toBe(format.serialize(Notes, notes(40), context))
  })

  it('keep their bytes when the writer goes on to other documents', () => {
    const body = bodyOf(format, notes(40)) as ByteChunks
    const copy = Buffer.from(bytesOf(body))
    bodyOf(format, notes(40, 'b'))
    bodyOf(format, notes(2, 'c'))
    expect(Buffer.from(bytesOf(body)).equals(copy)).toBe(true)
  })

  it('stay one array of bytes up to one buffer', () => {
    const body = bodyOf(format, notes(3))
    expect(body).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(body as Uint8Array).toString()).toBe(
      format.serialize(Notes, notes(3), context),
    )
  })
})
