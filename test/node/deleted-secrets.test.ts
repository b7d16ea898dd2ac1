import { readFile } from 'node:fs/promises'
import { createClient } from '@libsql/client'
import { afterEach, describe, expect, it } from 'vitest'
import { API_KEY } from '../support/deterministic.ts'
import { serveOnFile } from '../support/node-server.ts'

const USERS = '/v2.0/external/alexa/users'
let server: Awaited<ReturnType<typeof serveOnFile>> | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Whether any of the database's files (the file, its write-ahead log) holds `text`. */
const filesHold = async (databaseUrl: string, text: string): Promise<boolean> => {
  const path = databaseUrl.slice('file:'.length)
  const files = await Promise.all(
    [path, `${path}-wal`].map((file) => readFile(file).catch(() => Buffer.alloc(0))),
  )
  return files.some((bytes) => bytes.includes(text))
}

describe('deleting an Alexa user', () => {
  it('leaves none of its sealed tokens in the database or its log past the next checkpoint', async () => {
    server = await serveOnFile()
    const headers = { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' }
    const create = (token: string) =>
      fetch(server!.base + USERS, {
        method: 'POST',
        headers,
        body: JSON.stringify({ accessToken: `Atza|${token}`, refreshToken: `Atzr|${token}` }),
      })
    const created = await create('erase-me')
    expect(created.status).toBe(201)
    const { _id } = (await created.json()) as { _id: string }
    // Users stored after it rewrite the page it is on: the log holds a copy of it per write.
    for (let i = 0; i < 20; i++) expect((await create(`later-${i}`)).status).toBe(201)
    // Another connection to the file, as a backup or anyone holding the file would read it.
    const reader = createClient({ url: server.databaseUrl })
    try {
      const { rows } = await reader.execute({
        sql: 'SELECT access_token, refresh_token FROM alexa_users WHERE id = ?',
        args: [_id],
      })
      const sealed = [rows[0]!.access_token, rows[0]!.refresh_token].map(String)
      for (const text of sealed) expect(await filesHold(server.databaseUrl, text)).toBe(true)

      const deleted = await fetch(`${server.base}${USERS}/${_id}`, {
        method: 'DELETE',
        headers: { 'X-API-Key': API_KEY },
      })
      expect(deleted.status).toBe(204)
      // SQLite's own checkpoint (as it runs every ~4 MB of writes), then the next write, which
      // starts the write-ahead log over.
      await reader.execute('PRAGMA wal_checkpoint(PASSIVE)')
      expect((await create('next')).status).toBe(201)
      // With the key, a copy left in the file's free space, or in the log's tail, would give
      // the tokens back.
      for (const text of sealed) expect(await filesHold(server.databaseUrl, text)).toBe(false)
    } finally {
      reader.close()
    }
  })
})
