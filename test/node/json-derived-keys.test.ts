import { createClient } from '@libsql/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveOnFile } from '../support/node-server.ts'
import { makeTarget } from '../support/node-target.ts'
import { CONTACTS, ORG_TOKEN } from '../support/opencx.ts'

// customData stored before the gateway refused such keys, or by hand: JSON escapes that
// SQLite's json_each decodes, for `contact_keys`, into a lone surrogate's three bytes (not
// UTF-8, which libSQL's native code cannot read as text) and into a NUL byte.
const STORED = String.raw`{"k\udc00":"v","k\udc01":"w","a\u0000b":"x","ok":"y"}`
const INSERT = `INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
  VALUES ('c-by-hand', 'hand@example.com', 'hand@example.com', '${STORED}',
    '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`
const KEYS = ['k\udc00', 'k\udc01', 'a\u0000b', 'ok']
const auth = { Authorization: `Bearer ${ORG_TOKEN}` }

/** The header line of a CSV body, with the page's and the export's columns to compare. */
const headerOf = (csv: string) => csv.slice(0, csv.indexOf('\r\n'))

describe('the CSV export of keys SQLite decoded from JSON escapes', () => {
  let base = ''
  let close: () => Promise<void>
  beforeAll(async () => {
    const server = await serveOnFile()
    base = server.base
    close = server.close
    const client = createClient({ url: server.databaseUrl })
    await client.execute(INSERT)
    client.close()
  })
  afterAll(() => close())

  const get = (path: string) => fetch(`${base}${path}`, { headers: auth })

  it('answers on a file database with the columns a page has, again and again', async () => {
    const page = await get(`${CONTACTS}.csv`)
    expect(page.status).toBe(200)
    const header = headerOf(await page.text())
    for (const key of KEYS) expect(header).toContain(`customData.${key.toWellFormed()}`)
    for (let i = 0; i < 2; i++) {
      const res = await get(`${CONTACTS}/export.csv`)
      expect(res.status).toBe(200)
      const csv = await res.text()
      expect(headerOf(csv)).toBe(header)
      expect(csv.split('\r\n')[1]).toContain(',v,w,x,y')
    }
  })

  it('answers on a libSQL client database (in memory) too', async () => {
    const t = await makeTarget()
    await t.query(INSERT)
    const page = await t.request(`${CONTACTS}.csv`, { headers: auth })
    const res = await t.request(`${CONTACTS}/export.csv`, { headers: auth })
    expect(res.status).toBe(200)
    expect(headerOf(await res.text())).toBe(headerOf(await page.text()))
  })
})
