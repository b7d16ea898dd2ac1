import { describe, expect, it } from 'vitest'
import { chunkStream } from './chunk-stream.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('chunkStream', () => {
  it('gives the chunks in order, and lets each go once it is read', async () => {
    const chunks = [bytes('<a>'), bytes('é中'), bytes('</a>')]
    const body = { chunks, byteLength: 3 + 5 + 4 }
    const reader = chunkStream(body).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('<a>')
    // What was read is the runtime's to send and drop: the body no longer holds it.
    expect(chunks[0]!.byteLength).toBe(0)
    expect(chunks[1]!.byteLength).toBe(5)
    const rest: string[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest.push(new TextDecoder().decode(r.value))
    expect(rest).toEqual(['é中', '</a>'])
  })

  it('reads nothing ahead of its reader', async () => {
    const chunks = [bytes('a'), bytes('b')]
    const stream = chunkStream({ chunks, byteLength: 2 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(chunks.map((c) => c.byteLength)).toEqual([1, 1])
    expect(await new Response(stream).text()).toBe('ab')
  })
})
