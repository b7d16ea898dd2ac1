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
  for (let i = 0; i < COUNT; i++) {
    const res = await fetch(`${base}${AUTHENTICATE}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...SEED_CONTACT, email: `user${i}@example.com`, name: `User ${i}` }),
    })
    expect(res.status).toBe(200)
  }
})
afterAll(() => close())

const get = (path: string, accept = 'application/json') =>
  fetch(`${base}${path}`, { headers: { ...auth, Accept: accept } })

describe('exports on the Node server', () => {
  it('streams the contacts a page lists, in its order, however many exports run at once', async () => {
    const page = (await (await get(`${CONTACTS}?limit=100`)).json()) as { items: unknown[] }
    expect(page.items).toHaveLength(COUNT)
    const exports = await Promise.all(
      [1, 2, 3].map(async () => (await get(`${CONTACTS}/export`)).json()),
    )
    for (const body of exports) expect(body).toEqual({ items: page.items, total: COUNT })
    const csv = await (await get(`${CONTACTS}/export`, 'text/csv')).text()
    expect(csv.trimEnd().split('\r\n')).toHaveLength(COUNT + 1)
  })

  it('sends a large XML page as the bytes its writer encoded, with their length', async () => {
    const big = { email: 'big@example.com', customData: { note: `é${'x'.repeat(15_000)}` } }
    const created = await fetch(`${base}${AUTHENTICATE}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(big),
    })
    expect(created.status, await created.clone().text()).toBe(200)
    const res = await get(`${CONTACTS}?limit=100`, 'application/xml')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(bytes.length).toBeGreaterThan(32 * 1024)
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length)
    const text = new TextDecoder().decode(bytes)
    expect(text.match(/<Contact>/g)).toHaveLength(COUNT + 1)
    expect(text).toContain(`<entry key="note">é${'x'.repeat(15_000)}</entry>`)
    expect(text.endsWith('</Contacts>')).toBe(true)
  })

  it('sees a contact the moment it is written', async () => {
    const res = await fetch(`${base}${AUTHENTICATE}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'late@example.com' }),
    })
    const { contact } = (await res.json()) as { contact: { id: string } }
    const body = (await (await get(`${CONTACTS}/export`)).json()) as {
      items: { id: string }[]
      total: number
    }
    expect(body.items.at(-1)!.id).toBe(contact.id)
    expect(body.total).toBe(COUNT + 2)
  })
})
