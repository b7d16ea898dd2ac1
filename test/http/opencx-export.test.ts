import { makeTarget } from '#target'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bearer, CONTACTS } from '../support/opencx.ts'
import { child, parseCsvStrict, parseXmlStrict } from '../support/parsers.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

const EXPORT = `${CONTACTS}/export`
const N = 1234

/**
 * N contacts in one statement: 100 share each timestamp, ids are a permutation, so the export
 * order is the order stored, not one of ids; some names need escaping in every format;
 * every tenth contact has a nested customData object.
 */
const seed = (t: Target) =>
  t.query(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})
    INSERT INTO contacts (id, email, email_key, name, custom_data, created_at, updated_at)
    SELECT printf('c%05d', (i * 7919) % ${N}), 'u' || i || '@example.com', 'u' || i || '@example.com',
      CASE WHEN i % 10 = 0 THEN '=A, "b" & <c> ]]>' ELSE 'n' || i END,
      CASE WHEN i % 10 = 0 THEN json_object('tier', 'gold', 'deep', json_object('a', i))
           WHEN i % 3 = 0 THEN NULL ELSE json_object('n', i) END,
      printf('2025-01-01T00:%02d:00.000Z', i / 100), printf('2025-01-01T00:%02d:00.000Z', i / 100)
    FROM n`)

/** A SQL literal of a text, or NULL. */
const literal = (value: string | null) =>
  value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`

/** Every contact through `GET /contacts`, a page at a time: what the export must hold. */
const paged = async (t: Target, n = N) => {
  const items: any[] = []
  for (let skip = 0; skip < n; skip += 100)
    items.push(
      ...(await (await t.request(`${CONTACTS}?skip=${skip}&limit=100`, bearer())).json<any>())
        .items,
    )
  return items
}

describe('GET /contacts/export', () => {
  it('streams every contact as JSON, item for item what the pages hold', async () => {
    const t = await makeTarget()
    await seed(t)
    const res = await t.request(EXPORT, bearer())
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    const text = await res.text()
    const body = JSON.parse(text)
    expect(body.total).toBe(N)
    const items = await paged(t)
    expect(body.items).toEqual(items)
    // Byte for byte: the page's items, joined, are a slice of the export.
    expect(text).toBe(`{"items":${JSON.stringify(items)},"total":${N}}`)
  })

  it('embeds every item with its self link in HAL', async () => {
    const t = await makeTarget()
    await seed(t)
    const res = await t.request(EXPORT, bearer(undefined, 'application/hal+json'))
    const body = JSON.parse(await res.text())
    expect(body._links.self.href).toBe(EXPORT)
    expect(body.total).toBe(N)
    expect(body._embedded.items).toHaveLength(N)
    const first = body._embedded.items[0]
    expect(first._links.self.href).toBe(`${CONTACTS}/${first.id}`)
  })

  it('writes one well-formed XML document across batches', async () => {
    const t = await makeTarget()
    await seed(t)
    const res = await t.request(EXPORT, bearer(undefined, 'text/xml'))
    expect(res.headers.get('Content-Type')).toBe('text/xml; charset=utf-8')
    const root = parseXmlStrict(await res.text())
    expect(root.name).toBe('ContactExport')
    const items = child(root, 'items')!.children
    expect(items).toHaveLength(N)
    expect(child(root, 'total')!.text).toBe(String(N))
    const ids = (await paged(t)).map((c) => c.id)
    expect(items.map((e) => child(e, 'id')!.text)).toEqual(ids)
    expect(child(items[0]!, 'name')!.text).toBe('=A, "b" & <c> ]]>')
  })

  it('writes CSV with columns chosen up front from every customData key', async () => {
    const t = await makeTarget()
    await seed(t)
    const res = await t.request(EXPORT, bearer(undefined, 'text/csv'))
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present')
    const rows = parseCsvStrict(await res.text())
    expect(rows).toHaveLength(N)
    const columns = Object.keys(rows[0]!).filter((k) => k.startsWith('customData.'))
    // First seen: contact 0 (tier, deep) comes before contact 1 (n).
    expect(columns).toEqual(['customData.tier', 'customData.deep', 'customData.n'])
    const first = rows[0]!
    expect(first.name).toBe(`'=A, "b" & <c> ]]>`)
    expect(first['customData.deep']).toBe('{"a":0}')
    expect(rows.map((r) => r.id)).toEqual((await paged(t)).map((c) => c.id))
  })

  it("writes the columns of every contact's http_action_overrides, as a page of every contact has them", async () => {
    const t = await makeTarget()
    const authenticate = async (body: object) => {
      const res = await t.request('/widget/authenticate-user', {
        method: 'POST',
        headers: { ...bearer().headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(200)
    }
    await authenticate({ email: 'a@x.org', customData: { plan: 'pro' } })
    await authenticate({
      email: 'b@x.org',
      http_action_overrides: { query_params: { q: 'v' }, headers: { 'X-Tenant': 't1' } },
    })
    await authenticate({
      email: 'c@x.org',
      http_action_overrides: { path_params: { p: '7' }, body_params: { b: { c: 2 } } },
    })
    const csv = async (path: string) =>
      (await t.request(path, bearer(undefined, 'text/csv'))).text()
    const exported = await csv(EXPORT)
    expect(exported).toBe(await csv(`${CONTACTS}?limit=100`))
    expect(exported.slice(0, exported.indexOf('\r\n')).split(',').slice(6, -2)).toEqual([
      'customData.plan',
      'chat_context',
      'http_action_overrides.query_params.q',
      'http_action_overrides.path_params.p',
      'http_action_overrides.body_params.b',
      'http_action_overrides.headers.X-Tenant',
    ])
    const [, b, c] = parseCsvStrict(exported)
    expect(b!['http_action_overrides.query_params.q']).toBe('v')
    expect(b!['http_action_overrides.headers.X-Tenant']).toBe('t1')
    expect(c!['http_action_overrides.path_params.p']).toBe('7')
    expect(c!['http_action_overrides.body_params.b']).toBe('{"c":2}')
  })

  it('keeps a customData key that starts with U+FEFF apart from the same key without it', async () => {
    const t = await makeTarget()
    const res = await t.request('/widget/authenticate-user', {
      method: 'POST',
      headers: { ...bearer().headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: 'bom@x.org',
        customData: { '\ufeffdup': 'bom', dup: 'plain' },
      }),
    })
    expect(res.status).toBe(200)
    const csv = async (path: string) =>
      (await t.request(path, bearer(undefined, 'text/csv'))).text()
    const exported = await csv(EXPORT)
    expect(exported).toBe(await csv(`${CONTACTS}?limit=100`))
    const [row] = parseCsvStrict(exported)
    expect(row!['customData.\ufeffdup']).toBe('bom')
    expect(row!['customData.dup']).toBe('plain')
  })

  it('takes CSV columns from the keys contacts have now, in first-seen page order, whoever wrote them', async () => {
    const t = await makeTarget()
    const at = (minute: number) => `'2025-01-01T00:0${minute}:00.000Z'`
    const insert = (id: string, minute: number, customData: string) =>
      t.query(`INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
        VALUES ('${id}', '${id}@x.org', '${id}@x.org', '${customData}', ${at(minute)}, ${at(minute)})`)
    // Page order is the order stored; each key's column comes where a page first shows it.
    await insert('old', 1, '{"y":1,"u":1}')
    await insert('mid', 3, '{"w":1,"y":2,"v":3}')
    await insert('new', 5, '{"x":1}')
    // Through the API: the old contact drops y (first seen there, so it moves on to mid, after
    // w) and u (no other contact has it: no column), and gains z.
    const upsert = async (customData: object) => {
      const res = await t.request('/widget/authenticate-user', {
        method: 'POST',
        headers: { ...bearer().headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'old@x.org', customData }),
      })
      expect(res.status).toBe(200)
    }
    await upsert({ z: 2 })
    // Through SQL: mid's keys change order, and v leaves it.
    await t.query(`UPDATE contacts SET custom_data = '{"y":2,"w":1}' WHERE id = 'mid'`)
    const csv = async (path: string) =>
      (await t.request(path, bearer(undefined, 'text/csv'))).text()
    const exported = await csv(EXPORT)
    const rows = parseCsvStrict(exported)
    const columns = Object.keys(rows[0]!).filter((k) => k.startsWith('customData.'))
    expect(columns).toEqual(['customData.z', 'customData.y', 'customData.w', 'customData.x'])
    expect(
      rows.map((r) => [
        r.id,
        r['customData.z'],
        r['customData.y'],
        r['customData.w'],
        r['customData.x'],
      ]),
    ).toEqual([
      ['old', '2', '', '', ''],
      ['mid', '', '2', '1', ''],
      ['new', '', '', '', '1'],
    ])
    // The same document a page of every contact is.
    expect(exported).toBe(await csv(`${CONTACTS}?limit=100`))
    // A contact that goes takes its keys along; x was only new's.
    await t.query(`DELETE FROM contacts WHERE id = 'new'`)
    expect(await csv(EXPORT)).toBe(await csv(`${CONTACTS}?limit=100`))
    expect(parseCsvStrict(await csv(EXPORT))[0]).not.toHaveProperty('customData.x')
  })

  it('writes the CSV header of a page of every contact, whatever keys, values, nulls and writes there were', async () => {
    const t = await makeTarget()
    // Keys JavaScript orders first (integer-like) and ones it does not ('01'), values that are
    // null (no cell, so no column) and ones that are not; JSON text built by hand, so a key
    // may be `__proto__` and the order is the text's.
    const value = fc.oneof(fc.constant(null), fc.nat(9), fc.constant({}))
    const keys = fc.constantFrom('a', 'b', '10', '2', '0', '01', '__proto__')
    const customData = fc.option(
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .uniqueArray(fc.tuple(keys, value), { selector: ([key]) => key, maxLength: 4 })
            .map(
              (entries) => `{${entries.map(([k, v]) => `"${k}":${JSON.stringify(v)}`).join(',')}}`,
            ),
        },
        // Not an object (stored by hand): a `customData` column while a contact has one.
        { weight: 1, arbitrary: fc.constantFrom('[1]', '"s"', '5', 'null') },
      ),
    )
    const csv = async (path: string) =>
      (await t.request(path, bearer(undefined, 'text/csv'))).text()
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), customData), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), customData), { maxLength: 4 }),
        async (inserts, updates) => {
          await t.query('DELETE FROM contacts')
          for (const [i, [day, text]] of inserts.entries())
            await t.query(`INSERT INTO contacts (id, email, email_key, custom_data, created_at, updated_at)
              VALUES ('c${i}', 'c${i}@x.org', 'c${i}@x.org', ${literal(text)},
                '2025-01-0${day}T00:00:00.000Z', '2025-01-0${day}T00:00:00.000Z')`)
          for (const [pick, text] of updates)
            if (inserts.length > 0)
              await t.query(
                `UPDATE contacts SET custom_data = ${literal(text)} WHERE id = 'c${pick % inserts.length}'`,
              )
          expect(await csv(EXPORT)).toBe(await csv(`${CONTACTS}?limit=100`))
        },
      ),
      { numRuns: 40 },
    )
  })

  it('writes each item with the bytes a page gives it in every format, and the CSV header a page has, whatever the contacts hold', async () => {
    const t = await makeTarget()
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('=1+1', '-2', "'@x", 'a,"b"', ' lead', 'trail ', 'l1\r\nl2', '<x>&]]>', ''),
    )
    const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), text)
    const value = fc.oneof(
      { weight: 4, arbitrary: scalar },
      { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'b c', '1'), scalar) },
    )
    // JSON text of an object, written by hand: a key may be `__proto__`, the order is the text's.
    const objectText = (key: fc.Arbitrary<string>, member: fc.Arbitrary<unknown>) =>
      fc
        .uniqueArray(fc.tuple(key, member), { selector: ([k]) => k, maxLength: 4 })
        .map(
          (entries) =>
            `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
        )
    const key = fc.oneof(text, fc.constantFrom('10', '2', '__proto__'))
    // Not an object (stored by hand): one column of its own on a page.
    const notObject = fc
      .oneof(fc.array(scalar, { maxLength: 2 }), scalar)
      .map((v) => JSON.stringify(v))
    const customData = fc.option(
      fc.oneof(
        { weight: 4, arbitrary: objectText(key, value) },
        { weight: 1, arbitrary: notObject },
      ),
    )
    // Dictionaries whose keys are columns, and members of the wrong kind (stored by hand).
    const dictionary = fc.oneof(
      { weight: 4, arbitrary: objectText(key, fc.oneof(text, value)) },
      { weight: 1, arbitrary: notObject },
    )
    const overrides = fc.option(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .uniqueArray(
              fc.tuple(
                fc.constantFrom('query_params', 'path_params', 'body_params', 'headers'),
                dictionary,
              ),
              { selector: ([k]) => k, maxLength: 4 },
            )
            .map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
        },
        { weight: 1, arbitrary: notObject },
      ),
    )
    const contact = fc.record({
      name: fc.option(text),
      day: fc.integer({ min: 1, max: 3 }),
      customData,
      overrides,
    })
    const body = async (path: string, accept: string) =>
      (await t.request(path, bearer(undefined, accept))).text()
    const both = async (accept: string) =>
      [await body(`${CONTACTS}?limit=100`, accept), await body(EXPORT, accept)] as const
    const between = (text: string, from: string, to: string) =>
      text.slice(text.indexOf(from), text.lastIndexOf(to))
    await fc.assert(
      fc.asyncProperty(fc.array(contact, { maxLength: 5 }), async (contacts) => {
        await t.query('DELETE FROM contacts')
        for (const [i, c] of contacts.entries()) {
          const at = `'2025-01-0${c.day}T00:00:00.000Z'`
          await t.query(`INSERT INTO contacts (id, email, email_key, name, custom_data, http_action_overrides, created_at, updated_at)
            VALUES ('c${i}', 'c${i}@x.org', 'c${i}@x.org', ${literal(c.name)}, ${literal(c.customData)},
              ${literal(c.overrides)}, ${at}, ${at})`)
        }
        const [pageJson, exportJson] = await both('application/json')
        expect(between(exportJson, '"items":', '],"total":')).toBe(
          between(pageJson, '"items":', '],"total":'),
        )
        const [pageHal, exportHal] = await both('application/hal+json')
        expect(between(exportHal, '"_embedded"', ']')).toBe(between(pageHal, '"_embedded"', ']'))
        const [pageXml, exportXml] = await both('application/xml')
        expect(between(exportXml, '<items>', '</items>')).toBe(
          between(pageXml, '<items>', '</items>'),
        )
        const [pageCsv, exportCsv] = await both('text/csv')
        expect(exportCsv).toBe(pageCsv)
      }),
      { numRuns: 40 },
    )
  })

  it('writes each item with the bytes a page of GET /contacts gives it', async () => {
    const t = await makeTarget()
    await t.query(`INSERT INTO contacts (id, email, email_key, name, phone, custom_data, created_at, updated_at)
      VALUES ('a', 'a@x.org', 'a@x.org', '=1+1 & <b>', '+491511', '{"n":-5,"s":"@x"}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
             ('b', 'b@x.org', 'b@x.org', 'Ann, "A"', NULL, '{"s":"y","t":[1]}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`)
    const text = async (path: string, accept: string) =>
      (await t.request(path, bearer(undefined, accept))).text()
    const both = async (accept: string) =>
      [await text(`${CONTACTS}?limit=100`, accept), await text(EXPORT, accept)] as const
    const [pageCsv, exportCsv] = await both('text/csv')
    expect(exportCsv).toBe(pageCsv)
    const items = (xml: string) => xml.slice(xml.indexOf('<items>'), xml.indexOf('</items>'))
    const [pageXml, exportXml] = await both('application/xml')
    expect(items(exportXml)).toBe(items(pageXml))
    const embedded = (hal: string) =>
      hal.slice(hal.indexOf('"_embedded"'), hal.lastIndexOf(']') + 1)
    const [pageHal, exportHal] = await both('application/hal+json')
    expect(embedded(exportHal)).toBe(embedded(pageHal))
  })

  it('exports contacts of tens of KB each, which D1 refuses to join 256 at a time', async () => {
    const t = await makeTarget()
    const n = 300
    // About 24 KB of JSON each: 256 of them would pass D1's 2,000,000-byte value limit.
    await t.query(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})
      INSERT INTO contacts (id, email, email_key, custom_data, chat_context, created_at, updated_at)
      SELECT printf('c%04d', i), 'u' || i || '@example.com', 'u' || i || '@example.com',
        json_object('note', printf('%.*c', 15000, 'x'), 'i', i), printf('%.*c', 8000, 'y'),
        '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'
      FROM n`)
    const res = await t.request(EXPORT, bearer())
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toBe(`{"items":${JSON.stringify(await paged(t, n))},"total":${n}}`)
    const csv = await (await t.request(EXPORT, bearer(undefined, 'text/csv'))).text()
    expect(parseCsvStrict(csv).map((r) => r['customData.i'])).toEqual(
      Array.from({ length: n }, (_, i) => String(i)),
    )
  })

  it('exports an empty collection as a complete document', async () => {
    const t = await makeTarget()
    expect(await (await t.request(EXPORT, bearer())).text()).toBe('{"items":[],"total":0}')
    const root = parseXmlStrict(
      await (await t.request(EXPORT, bearer(undefined, 'application/xml'))).text(),
    )
    expect(child(root, 'total')!.text).toBe('0')
    const csv = await (await t.request(EXPORT, bearer(undefined, 'text/csv'))).text()
    expect(csv.startsWith('id,email,name')).toBe(true)
  })

  it('negotiates among its own formats: a browser gets JSON, HTML alone or by URL is a 406', async () => {
    const t = await makeTarget()
    await seed(t)
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
    const chosen = await t.request(EXPORT, bearer(undefined, browser))
    expect(chosen.status).toBe(200)
    expect(chosen.headers.get('Content-Type')).toBe('application/xml; charset=utf-8')
    await chosen.body?.cancel()
    const anything = await t.request(EXPORT, bearer(undefined, 'text/html, */*;q=0.1'))
    expect(anything.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(anything.headers.get('Vary')).toContain('Accept')
    await anything.body?.cancel()
    for (const refused of [
      await t.request(EXPORT, bearer(undefined, 'text/html')),
      await t.request(`${EXPORT}.html`, bearer(undefined, 'application/json')),
      await t.request(`${EXPORT}?format=html`, bearer(undefined, '*/*')),
    ]) {
      expect(refused.status).toBe(406)
      expect(await refused.text()).toContain('text/csv')
    }
    // Nothing it serves at all: the 406 lists its own formats, never one it cannot write.
    const none = await t.request(EXPORT, bearer(undefined, 'image/png'))
    expect(none.status).toBe(406)
    const { accepted } = (await none.json<any>()).details
    expect(accepted).toContain('text/csv')
    expect(accepted).not.toContain('text/html')
  })

  it('names the file a browser saves by the day and the format, and only when it succeeds', async () => {
    const t = await makeTarget()
    await seed(t)
    const names: Record<string, string | null> = {}
    for (const [accept, url] of [
      ['application/json', EXPORT],
      ['application/hal+json', EXPORT],
      ['text/xml', EXPORT],
      ['*/*', `${EXPORT}.csv`],
    ] as const) {
      const res = await t.request(url, bearer(undefined, accept))
      names[accept] = res.headers.get('Content-Disposition')
      await res.body?.cancel()
    }
    expect(names).toEqual({
      'application/json': 'attachment; filename="contacts-2026-01-02.json"',
      'application/hal+json': 'attachment; filename="contacts-2026-01-02.hal.json"',
      'text/xml': 'attachment; filename="contacts-2026-01-02.xml"',
      '*/*': 'attachment; filename="contacts-2026-01-02.csv"',
    })
    // The day it is made, in UTC: a day later, another name.
    t.clock.advance(24 * 60 * 60 * 1000)
    const later = await t.request(EXPORT, bearer(undefined, 'text/csv'))
    expect(later.headers.get('Content-Disposition')).toBe(
      'attachment; filename="contacts-2026-01-03.csv"',
    )
    await later.body?.cancel()
    // A refusal is a problem to read, not a file to save; a page is not a download either.
    expect((await t.request(EXPORT)).headers.get('Content-Disposition')).toBeNull()
    expect(
      (await t.request(`${CONTACTS}.csv`, bearer())).headers.get('Content-Disposition'),
    ).toBeNull()
  })

  it('answers a 500 problem, not a 200 that breaks off, when its first contacts cannot be written', async () => {
    const t = await makeTarget()
    // Nested past the depth limit (32): only SQL written by hand can store it (a request body
    // that deep is refused), and no format writes it.
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`
    await t.query(`INSERT INTO contacts (id, email, email_key, custom_data, http_action_overrides, created_at, updated_at)
      VALUES ('deep', 'd@x.org', 'd@x.org', '${deep}', '{"body_params":${deep}}', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`)
    for (const [accept, type] of [
      ['application/json', 'application/problem+json; charset=utf-8'],
      ['application/hal+json', 'application/problem+json; charset=utf-8'],
      ['application/xml', 'application/problem+xml; charset=utf-8'],
      ['text/csv', 'text/csv; charset=utf-8; header=present'],
    ] as const) {
      const res = await t.request(EXPORT, bearer(undefined, accept))
      expect(res.status, accept).toBe(500)
      expect(res.headers.get('Content-Type'), accept).toBe(type)
      expect(res.headers.get('Content-Disposition'), accept).toBeNull()
      const text = await res.text()
      expect(text, accept).toContain(res.headers.get('X-Trace-Id')!)
      expect(text, accept).not.toMatch(/at .*\.ts|nested deeper/)
    }
  })

  it('answers 401 without the organisation token', async () => {
    const t = await makeTarget()
    expect((await t.request(EXPORT)).status).toBe(401)
  })
})
