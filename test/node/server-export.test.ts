import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveOnFile } from '../support/node-server.ts'
import { AUTHENTICATE, CONTACTS, ORG_TOKEN, SEED_CONTACT } from '../support/opencx.ts'

// `npm start`'s server on a file database (libSQL's native driver, kept statements): exports
// over HTTP, several at once, against the pages.
let base = ''
let close: () => Promise<void>
const auth = { Authorization: `Bearer ${ORG_TOKEN}` }
const COUNT = 40

beforeAll(async () => {
  const server = await serveOnFile()
  base = server.base
  close = server.close
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
})
