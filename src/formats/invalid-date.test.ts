import { parse } from 'csv-parse/sync'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named } from '../model/meta.ts'
import { formatByKey } from './registry.ts'
import type { SerializeContext } from './types.ts'

const Item = named('Item', v.object({ name: v.string(), at: v.date(), data: v.unknown() }))
const Items = named('Items', v.object({ items: v.array(Item), total: v.number() }))

const invalid = () => ({
  name: 'a',
  at: new Date(Number.NaN),
  data: { when: new Date(Number.NaN), ok: new Date(0) },
})

const context = (mediaType: string, collection = false): SerializeContext => ({
  mediaType,
  maxDepth: 32,
  links: { self: { href: '/items' } },
  ...(collection
    ? { collection: { itemsKey: 'items', itemLinks: () => ({ self: { href: '/items/a' } }) } }
    : {}),
})

const write = (key: string, mediaType: string, collection = false) => {
  const format = formatByKey(key)!
  return collection
    ? format.serialize(Items, { items: [invalid(), invalid()], total: 2 }, context(mediaType, true))
    : format.serialize(Item, invalid(), context(mediaType))
}

// JSON.stringify writes an invalid date as null; toISOString throws a RangeError (a 500).
describe('an invalid date', () => {
  it('is null in JSON and HAL, as JSON.stringify writes it', () => {
    for (const key of ['json', 'hal']) {
      const body = JSON.parse(write(key, `application/${key}`))
      expect(body).toMatchObject({ at: null, data: { when: null, ok: '1970-01-01T00:00:00.000Z' } })
      const page = JSON.parse(write(key, `application/${key}`, true))
      const items = key === 'hal' ? page._embedded.items : page.items
      expect(items[1]).toMatchObject({ at: null, data: { when: null } })
    }
  })

  it('is nil in XML, a null entry in free-form data', () => {
    for (const collection of [false, true]) {
      const body = write('xml', 'application/xml', collection)
      expect(body).toContain(
        '<at xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>',
      )
      expect(body).toContain('<entry key="when" type="null"/>')
      expect(body).toContain('<entry key="ok">1970-01-01T00:00:00.000Z</entry>')
    }
  })

  it('is an empty cell in CSV', () => {
    for (const collection of [false, true]) {
      const rows = parse(write('csv', 'text/csv', collection), { columns: true }) as Record<
        string,
        string
      >[]
      for (const row of rows)
        expect(row).toMatchObject({
          at: '',
          'data.when': '',
          'data.ok': '1970-01-01T00:00:00.000Z',
        })
    }
  })

  it('does not break the HTML page', () => {
    expect(write('html', 'text/html')).toContain('1970-01-01T00:00:00.000Z')
  })
})
