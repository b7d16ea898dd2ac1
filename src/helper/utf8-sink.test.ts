import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8Sink } from './utf8-sink.ts'

const collect = (chunkBytes?: number) => {
  const chunks: Uint8Array[] = []
  const sink = utf8Sink((c) => chunks.push(c), chunkBytes)
  const text = () => new TextDecoder().decode(Buffer.concat(chunks))
  return { sink, chunks, text }
}

describe('utf8Sink', () => {
  it('writes what TextEncoder writes, across chunk boundaries, for any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' })),
        fc.integer({ min: 1, max: 64 }),
        (pieces, size) => {
          const { sink, chunks } = collect(size)
          for (const piece of pieces) sink.write(piece)
          sink.flush()
          expect(Buffer.concat(chunks)).toEqual(
            Buffer.from(new TextEncoder().encode(pieces.join(''))),
          )
        },
      ),
    )
  })

  it('fills a chunk before handing it over, and gives a long piece a chunk of its own', () => {
    const { sink, chunks, text } = collect(16)
    sink.write('abcd') // 4 bytes, room for 12 more (a piece needs 3 bytes per code unit)
    sink.write('ef') // fits
    sink.write('ghijklmnopqrstuvwxyz') // too long for what is left: the chunk goes out first
    sink.flush()
    expect(chunks.map((c) => c.byteLength)).toEqual([6, 20])
    expect(text()).toBe('abcdefghijklmnopqrstuvwxyz')
  })

  it('never emits an empty chunk and never reuses one it handed over', () => {
    const { sink, chunks } = collect(8)
    sink.flush()
    sink.write('ab')
    sink.flush()
    sink.write('cd')
    sink.flush()
    expect(chunks.map((c) => new TextDecoder().decode(c))).toEqual(['ab', 'cd'])
  })

  it('encodes surrogate pairs whole and lone surrogates as U+FFFD, as TextEncoder does', () => {
    const { sink, text } = collect(8)
    sink.write('😀')
    sink.write('\uD800x')
    sink.flush()
    expect(text()).toBe('😀\uFFFDx')
  })
})
