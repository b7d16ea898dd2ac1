// The serializers in-process on 10,000-item collection pages (Contacts with customData, and
// AmazonUsers), against JSON.stringify of the same data and the libraries called directly
// (Papa.unparse, fast-xml-parser's XMLBuilder). Variants alternate round by round, each called
// back to back for 200 ms a round; each figure is the median of the rounds.
// Run alone: `node --experimental-strip-types bench/serializers.ts`.
import { XMLBuilder } from 'fast-xml-parser'
import Papa from 'papaparse'
import type * as v from 'valibot'
import { csv } from '../src/formats/csv.ts'
import { hal } from '../src/formats/hal.ts'
import { json } from '../src/formats/json.ts'
import type { ByteChunks, SerializeContext } from '../src/formats/types.ts'
import { xml } from '../src/formats/xml.ts'
import { AmazonUsers } from '../src/model/amazon-user.ts'
import { type Contact, Contacts } from '../src/model/contact.ts'
import { bodyBytes, isMain, median, type Measured, ROUNDS } from './measure.ts'

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000)
const LANGUAGES = ['en', 'de', 'fr', 'es', 'ar']

/** Contacts as the store returns them: most with customData, some text needing escapes. */
export const sampleContacts = (n: number): Contact[] =>
  Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()
    return {
      id: `c${String(i).padStart(23, '0')}`,
      email: `user${i}@example.com`,
      name: i % 10 === 0 ? `Ada, "the" Countess ${i} & <co>` : `Ada Lovelace ${i}`,
      ...(i % 3 === 0 ? {} : { phone: `+4915123${String(i).padStart(6, '0')}` }),
      language: LANGUAGES[i % LANGUAGES.length] as Contact['language'],
      customData: { plan: i % 2 ? 'pro' : 'free', seats: i % 50, vip: i % 7 === 0, note: `n${i}` },
      ...(i % 4 === 0 ? { chat_context: 'returning visitor' } : {}),
      createdAt: at,
      updatedAt: at,
    }
  })

const sampleUsers = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()
    return {
      _id: i.toString(16).padStart(24, '0'),
      createdAt: at,
      lastChanged: at,
      createdBy: 'apikey:3f9a0c1b2d4e',
      lastChangedBy: 'apikey:3f9a0c1b2d4e',
    }
  })

const contextFor = (itemPath: (item: never) => string): SerializeContext => ({
  mediaType: 'application/xml',
  maxDepth: 32,
  links: { self: { href: '/things?skip=0&limit=10000' } },
  collection: {
    itemsKey: 'items',
    itemLinks: (item) => ({ self: { href: itemPath(item as never) } }),
  },
})

/** One row of the flat table Papa gets: what CSV's flattening produces, done by hand. */
const flatContact = (c: Contact): Record<string, unknown> => {
  const { customData, http_action_overrides: _o, ...rest } = c
  const row: Record<string, unknown> = { ...rest }
  for (const [k, value] of Object.entries(customData ?? {})) row[`customData.${k}`] = value
  return row
}

interface Case {
  model: string
  schema: v.GenericSchema
  page: { items: unknown[]; total: number; skip: number; limit: number }
  context: SerializeContext
  flat: Record<string, unknown>[]
  root: string
  item: string
}

const cases = (): Case[] => {
  const contacts = sampleContacts(ITEMS)
  const users = sampleUsers(ITEMS)
  return [
    {
      model: 'Contact',
      schema: Contacts,
      page: { items: contacts, total: ITEMS, skip: 0, limit: ITEMS },
      context: contextFor((c: Contact) => `/contacts/${c.id}`),
      flat: contacts.map(flatContact),
      root: 'Contacts',
      item: 'Contact',
    },
    {
      model: 'AmazonUser',
      schema: AmazonUsers,
      page: { items: users, total: ITEMS, skip: 0, limit: ITEMS },
      context: contextFor((u: { _id: string }) => `/v2.0/external/alexa/users/${u._id}`),
      flat: users,
      root: 'AmazonUsers',
      item: 'AmazonUser',
    },
  ]
}

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false })

const variants = (c: Case): [string, () => string | Uint8Array | ByteChunks][] => [
  ['JSON.stringify', () => JSON.stringify(c.page)],
  ['json', () => json.serialize(c.schema, c.page, c.context)],
  ['hal', () => hal.serialize(c.schema, c.page, c.context)],
  // The body a response sends (its UTF-8 bytes once past 32 KiB), then the same as a string.
  ['xml', () => xml.serializeBody!(c.schema, c.page, c.context)],
  ['xml (text)', () => xml.serialize(c.schema, c.page, c.context)],
  ['XMLBuilder', () => builder.build({ [c.root]: { items: { [c.item]: c.page.items } } })],
  ['csv', () => csv.serializeBody!(c.schema, c.page, c.context)],
  ['csv (text)', () => csv.serialize(c.schema, c.page, c.context)],
  ['Papa.unparse', () => Papa.unparse(c.flat, { newline: '\r\n' })],
]

/** How long one sample runs a variant, call after call. */
const SAMPLE_MS = 200

/**
 * One sample: `run` called back to back for `SAMPLE_MS`, so the variant pays for collecting
 * its own garbage, not for what the variant before it left (a single call of a few ms pays for
 * whichever collection falls in it). Milliseconds per call, and the bytes of one body.
 */
const sample = (run: () => string | Uint8Array | ByteChunks): { ms: number; bytes: number } => {
  const t0 = performance.now()
  const bytes = bodyBytes(run())
  let calls = 1
  let elapsed = performance.now() - t0
  while (elapsed < SAMPLE_MS) {
    bodyBytes(run())
    calls++
    elapsed = performance.now() - t0
  }
  return { ms: elapsed / calls, bytes }
}

/** Every variant of every model, `ROUNDS` times, alternating; medians per variant. */
export const benchSerializers = (rounds = ROUNDS): Measured[] => {
  const out: Measured[] = []
  for (const c of cases()) {
    const vs = variants(c)
    for (const [, run] of vs) for (let i = 0; i < 3; i++) run() // warm-up: JIT, shape caches
    const times = new Map<string, number[]>(vs.map(([name]) => [name, []]))
    const bytes = new Map<string, number>()
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of vs) {
        const t = sample(run)
        times.get(name)!.push(t.ms)
        bytes.set(name, t.bytes)
      }
    }
    for (const [name] of vs) {
      const ms = times.get(name)!
      const m = median(ms)
      out.push({
        group: c.model,
        name,
        median: (ITEMS / m) * 1000,
        min: (ITEMS / Math.max(...ms)) * 1000,
        max: (ITEMS / Math.min(...ms)) * 1000,
        mbPerSecond: bytes.get(name)! / 1e6 / (m / 1000),
        bytes: bytes.get(name)!,
      })
    }
  }
  return out
}

if (isMain(import.meta.url)) {
  for (const m of benchSerializers()) {
    console.log(
      `${m.group.padEnd(11)} ${m.name.padEnd(15)} ${Math.round(m.median).toLocaleString('en').padStart(11)} items/s  ${m.mbPerSecond!.toFixed(1).padStart(7)} MB/s  ${m.bytes} bytes`,
    )
  }
}
