import { describe, expect, it } from 'vitest'
import type { ExportWriter } from '../formats/export-writer.ts'
import { exportStream } from './export-stream.ts'

const writer: ExportWriter = {
  head: () => '[',
  item: (n) => `${String(n)};`,
  tail: (count) => `]${count}`,
}

/** A repository of `total` numbered items that counts the batches it is asked for. */
const fakeRepository = (total: number) => {
  const repo = {
    calls: 0,
    batch: async (after: number | undefined, limit: number) => {
      repo.calls++
      const start = (after ?? -1) + 1
      return Array.from(
        { length: Math.max(0, Math.min(limit, total - start)) },
        (_, i) => start + i,
      )
    },
  }
  return repo
}

const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0))
}

describe('exportStream', () => {
  it('writes head, every batch in order and the tail with the count', async () => {
    const repo = fakeRepository(7)
    const body = exportStream({ batch: repo.batch, writer: async () => writer, batchSize: 3 })
    expect(await new Response(body).text()).toBe('[0;1;2;3;4;5;6;]7')
    expect(repo.calls).toBe(3)
  })

  it('ends after a full last batch with one empty read', async () => {
    const repo = fakeRepository(6)
    const body = exportStream({ batch: repo.batch, writer: async () => writer, batchSize: 3 })
    expect(await new Response(body).text()).toBe('[0;1;2;3;4;5;]6')
    expect(repo.calls).toBe(3)
  })

  it('reads a batch only when the consumer wants one: at most one ahead', async () => {
    const repo = fakeRepository(1_000_000)
    const reader = exportStream({
      batch: repo.batch,
      writer: async () => writer,
      batchSize: 10,
    }).getReader()
    await ticks()
    expect(repo.calls).toBeLessThanOrEqual(1)
    await reader.read()
    await reader.read()
    await ticks()
    expect(repo.calls).toBeLessThanOrEqual(3)
    await reader.cancel()
  })

  it('stops reading batches once the consumer cancels', async () => {
    const repo = fakeRepository(1_000_000)
    const reader = exportStream({
      batch: repo.batch,
      writer: async () => writer,
      batchSize: 10,
    }).getReader()
    await reader.read()
    await reader.cancel()
    const after = repo.calls
    await ticks()
    expect(repo.calls).toBe(after)
    expect(after).toBeLessThanOrEqual(2)
  })

  it('errors the stream and reports a failing batch', async () => {
    const errors: unknown[] = []
    const body = exportStream({
      batch: async () => {
        throw new Error('database gone')
      },
      writer: async () => writer,
      onError: (e) => errors.push(e),
    })
    await expect(new Response(body).text()).rejects.toThrow('database gone')
    expect(errors).toHaveLength(1)
  })
})
