import { describe, expect, it } from 'vitest'
import { batchedLines } from './batched-lines.ts'

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('batchedLines', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = []
    const write = batchedLines((text) => writes.push(text))
    write('{"n":1}')
    write('{"n":2}')
    write('{"n":3}')
    expect(writes).toEqual([])
    await turn()
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n'])
    write('{"n":4}')
    await turn()
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n', '{"n":4}\n'])
  })

  it('writes at once when 256 lines are pending, however long the turn', async () => {
    const writes: string[] = []
    const write = batchedLines((text) => writes.push(text))
    for (let i = 0; i < 300; i++) write(String(i))
    expect(writes).toHaveLength(1)
    expect(writes[0]!.split('\n').slice(0, -1)).toEqual(
      Array.from({ length: 256 }, (_, i) => String(i)),
    )
    await turn()
    expect(writes.join('').split('\n').slice(0, -1)).toHaveLength(300)
  })
})
