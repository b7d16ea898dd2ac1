import { makeTarget } from '#target'
import { beforeAll, describe, expect, it } from 'vitest'
import { bearer, CONTACTS, contactOf } from '../support/opencx.ts'
import { child, parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

const MIB = 1024 * 1024
const COUNT = 36

// Contacts near their bounds, in characters of 2, 3 and 4 UTF-8 bytes: 36 of them make a page
// of over 1 MiB in XML and in CSV, whose writer hands such a document over a chunk at a time.
const chatContext = (i: number) => `${i}${'é中'.repeat(4090)}`
const note = '😀'.repeat(4000)

/** A body read as a client reads it: its bytes, and the largest piece it arrived in. */
const read = async (res: Response) => {
  const pieces: Uint8Array[] = []
  let largest = 0
  const reader = res.body!.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    pieces.push(r.value)
    largest = Math.max(largest, r.value.byteLength)
  }
  return { bytes: Buffer.concat(pieces), largest }
}

describe('GET /contacts pages over 1 MiB', () => {
  let t: Target
  beforeAll(async () => {
    t = await makeTarget()
    for (let i = 0; i < COUNT; i++) {
      const contact = {
        email: `c${i}@example.com`,
        chat_context: chatContext(i),
        customData: { note },
      }
      await contactOf(t, contact)
      t.clock.advance(1000)
    }
  })

  /** The page in `accept`, checked whole: over 1 MiB, its Content-Length, pieces of 1 MiB. */
  const wholePage = async (accept: string) => {
    const res = await t.request(`${CONTACTS}?limit=100`, bearer(undefined, accept))
    expect(res.status).toBe(200)
    const { bytes, largest } = await read(res)
    expect(bytes.byteLength).toBeGreaterThan(MIB)
    // Never one buffer the size of the page: an isolate holds the document once.
    expect(largest).toBeLessThanOrEqual(MIB)
    expect(res.headers.get('Content-Length')).toBe(String(bytes.byteLength))
    return bytes
  }

  it('sends the XML page whole with its Content-Length, in pieces of at most 1 MiB', async () => {
    const bytes = await wholePage('application/xml')
    const page = parseXmlStrict(bytes.toString('utf8'))
    const items = child(page, 'items')!.children
    expect(items).toHaveLength(COUNT)
    items.forEach((contact, i) => {
      expect(child(contact, 'chat_context')!.text).toBe(chatContext(i))
      expect(child(child(contact, 'customData')!, 'entry')!.text).toBe(note)
    })
  })

  it('sends the CSV page whole with its Content-Length, in pieces of at most 1 MiB', async () => {
    const bytes = await wholePage('text/csv')
    const rows = parseCsvStrict(bytes.toString('utf8'))
    expect(rows).toHaveLength(COUNT)
    rows.forEach((row, i) => {
      expect(row.chat_context).toBe(chatContext(i))
      expect(row['customData.note']).toBe(note)
    })
  })

  it('answers HEAD with the Content-Length of the GET', async () => {
    for (const accept of ['application/xml', 'text/csv']) {
      const get = await t.request(`${CONTACTS}?limit=100`, bearer(undefined, accept))
      const { bytes } = await read(get)
      const head = await t.request(`${CONTACTS}?limit=100`, {
        ...bearer(undefined, accept),
        method: 'HEAD',
      })
      expect(head.status).toBe(200)
      expect(head.headers.get('Content-Length')).toBe(String(bytes.byteLength))
    }
  })
})
