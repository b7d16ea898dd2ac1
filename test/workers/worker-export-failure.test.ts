import { applyD1Migrations, createExecutionContext, env } from 'cloudflare:test'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import worker from '../../src/runtime/workers/worker.ts'
import { CONTACTS, ORG_TOKEN } from '../support/opencx.ts'

// An export whose D1 fails after the status went out, through the Worker entry. workerd sends
// a body whose stream errors as a chunked body with no last chunk, the connection then cut
// (under `wrangler dev`, curl exits 18 whether it reads fast or slowly); a stream that closes
// would end as if whole. So the Worker's body must error, never close short.
const FAILURE = 'D1_ERROR: Network connection lost.'
const CONTACT_COUNT = 300

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
  await env.DB.prepare('DELETE FROM contacts').run()
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO contacts (id, email, email_key, name, custom_data, created_at, updated_at)
      SELECT printf('bulk%05d', i), 'bulk' || i || '@example.com', 'bulk' || i || '@example.com',
        'Bulk ' || i, '{}', '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'
      FROM n`,
  )
    .bind(CONTACT_COUNT - 1)
    .run()
})
afterEach(() => {
  vi.restoreAllMocks()
})

/**
 * The D1 binding, failing as D1 does when it loses its storage for every query of an export
 * batch after the first (keyset paging on from a contact); everything else it answers.
 */
const failingLaterBatches = (db: D1Database): D1Database =>
  new Proxy(db, {
    get(target, key) {
      if (key === 'prepare')
        return (query: string) =>
          query.includes('WHERE seq > ?')
            ? { bind: () => ({ first: () => Promise.reject(new Error(FAILURE)) }) }
            : target.prepare(query)
      const value = Reflect.get(target, key) as unknown
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value
    },
  })

/** Reads a body to its end: the text, and the error its stream failed with, if it did. */
const readAll = async (body: ReadableStream<Uint8Array>) => {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { text, error: undefined }
      text += decoder.decode(value, { stream: true })
    }
  } catch (error) {
    return { text, error }
  }
}

describe('an export that fails after its status went out, on Workers', () => {
  it.each(['application/json', 'text/csv', 'application/xml'])(
    'errors the %s body after the first batch instead of ending it, and logs the failure once',
    async (accept) => {
      const logs = vi.spyOn(console, 'log')
      const res = await worker.fetch(
        new Request(`https://gateway.example${CONTACTS}/export`, {
          headers: { Authorization: `Bearer ${ORG_TOKEN}`, Accept: accept },
        }) as Request<unknown, IncomingRequestCfProperties>,
        { ...env, DB: failingLaterBatches(env.DB) },
        createExecutionContext(),
      )
      expect(res.status).toBe(200)
      const { text, error } = await readAll(res.body!)
      expect(error).toBeInstanceOf(Error)
      // The first batch went out (the first contacts, by id), the document's end did not.
      expect(text).toContain('bulk00000')
      expect(text).not.toContain(`bulk${String(CONTACT_COUNT - 1).padStart(5, '0')}`)
      expect(text).not.toMatch(/total/)
      expect(text).not.toContain(FAILURE)
      const errors = logs.mock.calls
        .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
        .filter((line) => line.level === 'error')
      expect(errors).toEqual([
        expect.objectContaining({
          message: 'export failed mid-stream',
          traceId: res.headers.get('X-Trace-Id'),
          error: 'StoreUnavailableError: database unavailable',
        }),
      ])
    },
  )
})
