import { createClient } from '@libsql/client'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryLogger } from '../support/deterministic.ts'
import { serveOnFile } from '../support/node-server.ts'
import { AUTHENTICATE, CONTACTS, ORG_TOKEN, SEED_CONTACT } from '../support/opencx.ts'
import { seedBulkContacts } from '../support/bulk-contacts.ts'

// `npm start`'s server on a file database (libSQL's native driver, kept statements): exports
// over HTTP, several at once, against the pages.
let base = ''
let close: () => Promise<void>
let databaseUrl = ''
const logger = memoryLogger()
const auth = { Authorization: `Bearer ${ORG_TOKEN}` }
const COUNT = 40

beforeAll(async () => {
  const server = await serveOnFile({ logger })
  base = server.base
  close = server.close
  databaseUrl = server.databaseUrl
  for (let i = 0; i < COUNT; i++)
    await authenticate({ ...SEED_CONTACT, email: `user${i}@example.com`, name: `User ${i}` })
})
afterAll(() => close())

const get = (path: string, accept = 'application/json') =>
  fetch(`${base}${path}`, { headers: { ...auth, Accept: accept } })

const authenticate = async (body: unknown): Promise<string> => {
  const res = await fetch(`${base}${AUTHENTICATE}`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return ((await res.json()) as { contact: { id: string } }).contact.id
}

/** How many contacts the store holds now, as a page counts them. */
const total = async () =>
  ((await (await get(`${CONTACTS}?limit=1`)).json()) as { total: number }).total

describe('exports on the Node server', () => {
  it('streams the contacts a page lists, in its order, however many exports run at once', async () => {
    const page = (await (await get(`${CONTACTS}?limit=100`)).json()) as {
      items: unknown[]
      total: number
    }
    expect(page.items.length).toBeGreaterThanOrEqual(COUNT)
    expect(page.items).toHaveLength(page.total)
    const exports = await Promise.all(
      [1, 2, 3].map(async () => (await get(`${CONTACTS}/export`)).json()),
    )
    for (const body of exports) expect(body).toEqual({ items: page.items, total: page.total })
    const csv = await (await get(`${CONTACTS}/export`, 'text/csv')).text()
    expect(csv.trimEnd().split('\r\n')).toHaveLength(page.total + 1)
  })

  // Past 32 KiB the XML and CSV writers hand the response their UTF-8 bytes (xml-writer and
  // csv tests hold them to the text); here the whole page arrives, with its length.
  it('sends a large XML or CSV page whole, with its Content-Length', async () => {
    // customData holds at most 16 KiB: three contacts take a CSV page past 32 KiB.
    const notes = [1, 2, 3].map((i) => `é${i}${'x'.repeat(15_000)}`)
    for (const [i, note] of notes.entries())
      await authenticate({ email: `big${i}@example.com`, customData: { note } })
    const contacts = await total()
    const page = async (accept: string) => {
      const res = await get(`${CONTACTS}?limit=100`, accept)
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(bytes.length).toBeGreaterThan(32 * 1024)
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length)
      return new TextDecoder().decode(bytes)
    }
    const xml = await page('application/xml')
    expect(xml.match(/<Contact>/g)).toHaveLength(contacts)
    for (const note of notes) expect(xml).toContain(`<entry key="note">${note}</entry>`)
    expect(xml.endsWith('</Contacts>')).toBe(true)
    const csv = await page('text/csv')
    const lines = csv.split('\r\n')
    expect(lines).toHaveLength(contacts + 2) // header, a row each, and the empty end
    for (const note of notes) expect(lines.filter((line) => line.includes(note))).toHaveLength(1)
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('sees a contact the moment it is written', async () => {
    const before = await total()
    const id = await authenticate({ email: 'late@example.com' })
    const body = (await (await get(`${CONTACTS}/export`)).json()) as {
      items: { id: string }[]
      total: number
    }
    expect(body.items.at(-1)!.id).toBe(id)
    expect(body.total).toBe(before + 1)
    expect(body.items).toHaveLength(before + 1)
  })

  it('stops cleanly when the client goes away mid-export, and keeps serving', async () => {
    // Enough contacts that the export (about 8 MB) cannot sit in the socket's buffers.
    await seedBulkContacts(databaseUrl, 30_000)
    const contacts = await total()
    for (const accept of ['application/json', 'text/csv', 'application/xml']) {
      // Read the first chunk, then drop the connection.
      const first = await new Promise<string>((resolve, reject) => {
        const req = request(`${base}${CONTACTS}/export`, { headers: { ...auth, Accept: accept } })
        req.on('response', (res) => {
          res.once('data', (chunk: Buffer) => {
            req.destroy()
            resolve(chunk.toString('utf8', 0, 20))
          })
        })
        req.on('error', reject)
        req.end()
      })
      expect(first.length, accept).toBeGreaterThan(0)
    }
    // Let the server see the sockets close.
    await new Promise((resolve) => setTimeout(resolve, 200))
    // A client leaving is no failure of the export: nothing is logged as one.
    expect(logger.lines.filter((line) => line.includes('"level":"error"'))).toEqual([])
    // And the next export is whole.
    const body = (await (await get(`${CONTACTS}/export`)).json()) as { total: number }
    expect(body.total).toBe(contacts)
  })

  it('exports every contact once, in page order, while contacts are written meanwhile', async () => {
    const db = createClient({ url: databaseUrl })
    await db.execute(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 5999)
      INSERT INTO contacts (id, email, email_key, name, custom_data, created_at, updated_at)
      SELECT printf('busy%05d', i), 'busy' || i || '@example.com', 'busy' || i || '@example.com',
        'Busy ' || i, json_object('n', i), '2031-01-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z'
      FROM n`)
    db.close()
    const before = (await (await get(`${CONTACTS}/export`)).json()) as { items: { id: string }[] }
    let writing = true
    let written = 0
    const writes = (async () => {
      // New contacts (they come last in page order) and updates of existing ones.
      for (let i = 0; writing; i++, written++)
        await authenticate(
          i % 2
            ? { email: `busy${(i * 37) % 6000}@example.com`, name: `Renamed ${i}` }
            : { email: `during${i}@example.com` },
        )
    })()
    const exports = await Promise.all(
      [1, 2, 3].map(async () => {
        const body = (await (await get(`${CONTACTS}/export`)).json()) as {
          items: { id: string; createdAt: string }[]
          total: number
        }
        return body
      }),
    )
    const writtenDuring = written
    writing = false
    await writes
    expect(writtenDuring).toBeGreaterThan(0)
    // Page order is the order stored, which no representation shows: an export once the writes
    // are over has every contact in it.
    const after = (await (await get(`${CONTACTS}/export`)).json()) as { items: { id: string }[] }
    const place = new Map(after.items.map((c, i) => [c.id, i]))
    for (const body of exports) {
      expect(body.total).toBe(body.items.length)
      // Strictly in page order: no contact twice, none out of place.
      for (let i = 1; i < body.items.length; i++) {
        const [a, b] = [body.items[i - 1]!, body.items[i]!]
        expect(place.get(a.id)! < place.get(b.id)!, `${a.id} before ${b.id}`).toBe(true)
      }
      // Every contact that was there before it began (none is deleted).
      const ids = new Set(body.items.map((c) => c.id))
      expect(before.items.filter((c) => !ids.has(c.id))).toEqual([])
    }
  })
})
