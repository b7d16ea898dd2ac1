import { describe, expect, it } from 'vitest'
import type { ExportWriter } from '../formats/export-writer.ts'
import { exportStream } from './export-stream.ts'

const writer: ExportWriter = {
  head: () => '[',
  item: (n) => `${String(n)};`,
  tail: (count) => `]${count}`,
}

/** `writer`, except that writing item `bad` throws, as an item too deep to write does. */
const failingAt = (bad: number) => async (): Promise<ExportWriter> => ({
  ...writer,
  item: (n) => {
    if (n === bad) throw new Error('nested too deep')
    return writer.item(n)
  },
})

/** The next `limit` of `total` numbered items after `after`, as a keyset store reads them. */
const batchAfter = (total: number, after: number | undefined, limit: number) => {
  const start = (after ?? -1) + 1
  const items = Array.from(
    { length: Math.max(0, Math.min(limit, total - start)) },
    (_, i) => start + i,
  )
  // Like a store's LIMIT: a short batch is the last; a full one cannot tell.
  return { items, end: items.length < limit }
}

/**
 * A repository of `total` numbered items read `limit` at a time, which counts the batches it
 * is asked for.
 */
const fakeRepository = (total: number, limit: number) => {
  let after: number | undefined
  const repo = {
    calls: 0,
    next: async () => {
      repo.calls++
      const batch = batchAfter(total, after, limit)
      after = batch.items.at(-1) ?? after
      return batch
    },
  }
  return repo
}

/** A reader of a million-item export in batches of 10, and the repository it reads. */
const endlessExport = async () => {
  const repo = fakeRepository(1_000_000, 10)
  const reader = await exportStream({ next: repo.next, writer: async () => writer })
  return { repo, reader: reader.getReader() }
}

const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0))
}

describe('exportStream', () => {
  it('writes head, every batch in order and the tail with the count', async () => {
    const repo = fakeRepository(7, 3)
    const body = await exportStream({ next: repo.next, writer: async () => writer })
    expect(await new Response(body).text()).toBe('[0;1;2;3;4;5;6;]7')
    expect(repo.calls).toBe(3)
  })

  it('ends after a full last batch with one empty read', async () => {
    const repo = fakeRepository(6, 3)
    const body = await exportStream({ next: repo.next, writer: async () => writer })
    expect(await new Response(body).text()).toBe('[0;1;2;3;4;5;]6')
    expect(repo.calls).toBe(3)
  })

  it('reads only as the consumer takes: one batch queued, one more read ahead', async () => {
    const { repo, reader } = await endlessExport()
    await ticks()
    expect(repo.calls).toBe(2) // the first batch, written and queued; the second, read ahead
    await reader.read()
    await reader.read()
    await ticks()
    expect(repo.calls).toBe(4)
    await reader.cancel()
  })

  it('asks for the next batch before it writes this one', async () => {
    const order: string[] = []
    let last: number | undefined
    const body = await exportStream({
      next: async () => {
        order.push(`read after ${last ?? '-'}`)
        const batch = batchAfter(25, last, 10)
        last = batch.items.at(-1) ?? last
        return batch
      },
      writer: async () => ({
        ...writer,
        item: (n) => {
          if (Number(n) % 10 === 0) order.push(`write ${String(n)}`)
          return writer.item(n)
        },
      }),
    })
    expect(await new Response(body).text()).toBe(
      `[${Array.from({ length: 25 }, (_, i) => `${i};`).join('')}]25`,
    )
    expect(order).toEqual([
      'read after -',
      'read after 9',
      'write 0',
      'read after 19',
      'write 10',
      'write 20',
    ])
  })

  it('reports a failing read-ahead batch once the stream reaches it', async () => {
    const errors: unknown[] = []
    const repo = fakeRepository(100, 10)
    const body = await exportStream({
      next: async () => {
        if (repo.calls === 1) throw new Error('database gone')
        return repo.next()
      },
      writer: async () => writer,
      onError: (e) => errors.push(e),
    })
    await expect(new Response(body).text()).rejects.toThrow('database gone')
    expect(errors).toHaveLength(1)
  })

  it('stops reading batches once the consumer cancels', async () => {
    const { repo, reader } = await endlessExport()
    await reader.read()
    await reader.cancel()
    const after = repo.calls
    await ticks()
    expect(repo.calls).toBe(after)
    expect(after).toBeLessThanOrEqual(2)
  })

  it('rejects, before any byte, when the first batch cannot be read', async () => {
    const errors: unknown[] = []
    const opening = exportStream({
      next: async () => {
        throw new Error('database gone')
      },
      writer: async () => writer,
      onError: (e) => errors.push(e),
    })
    await expect(opening).rejects.toThrow('database gone')
    expect(errors).toHaveLength(0) // nothing went out: the caller answers with an error status
  })

  it('rejects when the writer cannot be built, without reading a batch', async () => {
    const repo = fakeRepository(5, 3)
    const opening = exportStream({
      next: repo.next,
      writer: async () => {
        throw new Error('columns unreadable')
      },
    })
    await expect(opening).rejects.toThrow('columns unreadable')
    expect(repo.calls).toBe(0)
  })

  it('rejects when an item of the first batch cannot be written', async () => {
    const opening = exportStream({
      next: fakeRepository(5, 3).next,
      writer: failingAt(2),
    })
    await expect(opening).rejects.toThrow('nested too deep')
  })

  it('cuts the body and reports when an item of a later batch cannot be written', async () => {
    const errors: unknown[] = []
    const body = await exportStream({
      next: fakeRepository(9, 3).next,
      writer: failingAt(7),
      onError: (e) => errors.push(e),
    })
    await expect(new Response(body).text()).rejects.toThrow('nested too deep')
    expect(errors).toHaveLength(1)
  })
})
