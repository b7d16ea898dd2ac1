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
  it('leaves none of its sealed tokens in the database file once the log is checkpointed', async () => {
    server = await serveOnFile()
    const headers = { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' }
    const created = await fetch(server.base + USERS, {
      method: 'POST',
      headers,
      body: JSON.stringify({ accessToken: 'Atza|erase-me', refreshToken: 'Atzr|erase-me' }),
    })
    expect(created.status).toBe(201)
    const { _id } = (await created.json()) as { _id: string }
    // Another connection to the file, as a backup or anyone holding the file would read it.
    const reader = createClient({ url: server.databaseUrl })
    try {
      const { rows } = await reader.execute({
        sql: 'SELECT access_token, refresh_token FROM alexa_users WHERE id = ?',
        args: [_id],
      })
      const sealed = [rows[0]!.access_token, rows[0]!.refresh_token].map(String)
      await reader.execute('PRAGMA wal_checkpoint(TRUNCATE)')
      for (const text of sealed) expect(await filesHold(server.databaseUrl, text)).toBe(true)

      const deleted = await fetch(`${server.base}${USERS}/${_id}`, {
        method: 'DELETE',
        headers: { 'X-API-Key': API_KEY },
      })
      expect(deleted.status).toBe(204)
      await reader.execute('PRAGMA wal_checkpoint(TRUNCATE)')
      // With the key, a copy left in the file's free space would give the tokens back.
      for (const text of sealed) expect(await filesHold(server.databaseUrl, text)).toBe(false)
    } finally {
      reader.close()
    }
  })
})
