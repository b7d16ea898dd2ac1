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
  it('writes what TextEncoder writes, across chunk boundaries and flushes, for any text', () => {
    fc.assert(
      fc.property(
        // `null`: a flush there, as an export does at the end of each batch.
        fc.array(fc.option(fc.string({ unit: 'grapheme' }), { freq: 4 })),
        fc.integer({ min: 1, max: 64 }),
        (pieces, size) => {
          const { sink, chunks } = collect(size)
          for (const piece of pieces) {
            if (piece === null) sink.flush()
            else sink.write(piece)
          }
          sink.flush()
          // Read after the last write: a chunk written again after it went out would show here.
          expect(Buffer.concat(chunks)).toEqual(
            Buffer.from(new TextEncoder().encode(pieces.join(''))),
          )
        },
      ),
    )
  })

  it('hands over a chunk more than half full as it is, and copies out a smaller part', () => {
    const { sink, chunks, text } = collect(16)
    sink.write('ab')
    sink.flush() // 2 of 16 bytes: a copy of just those, the chunk kept for what comes next
    for (const piece of ['abc', 'def', 'gh', 'i']) sink.write(piece)
    sink.flush() // 9 of 16: the chunk itself
    expect(chunks.map((c) => [c.byteLength, c.buffer.byteLength])).toEqual([
      [2, 2],
      [9, 16],
    ])
    expect(text()).toBe('ababcdefghi')
  })

  it('hands over a chunk made for a long piece as it is, whatever it holds', () => {
    const { sink, chunks } = collect(4)
    sink.write('abcdefgh') // 24 bytes at most: a chunk of its own, 8 of them used
    sink.flush()
    expect(chunks.map((c) => [c.byteLength, c.buffer.byteLength])).toEqual([[8, 24]])
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
