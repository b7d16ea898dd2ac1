import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { Problem } from '../model/problem.ts'
import { dataHtml } from './html-data.ts'
import { escapeHtml, localHref, withFormat } from './html-escape.ts'
import { PAGE_STYLE } from './html-page.ts'
import { formats } from './registry.ts'
import type { SerializeContext } from './types.ts'

const html = formats.find((f) => f.key === 'html')!
const context = (extra: Partial<SerializeContext> = {}): SerializeContext => ({
  mediaType: 'text/html',
  links: { self: { href: '/things/1' } },
  maxDepth: 32,
  ...extra,
})

const Thing = named(
  'Thing',
  v.object({
    name: v.string(),
    secret: v.optional(writeOnly(v.string())),
    tags: v.array(v.string()),
    owner: v.object({ id: v.string() }),
  }),
)

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"'&`, '&quot;&#39;&amp;'],
    ['a\u0000b\u0007c\uD800', 'a\uFFFDb\uFFFDc\uFFFD'],
    ['tab\tand\nline', 'tab\tand\nline'],
    ['😀', '😀'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected)
  })
})

describe('localHref', () => {
  it.each([
    ['/users/1', '/users/1'],
    ['/users?skip=0&limit=25', '/users?skip=0&limit=25'],
    ['//evil.example/x', undefined],
    ['/\\evil.example', undefined],
    ['javascript:alert(1)', undefined],
    ['https://evil.example/', undefined],
    ['/a\nb', undefined],
  ])('%j → %j', (href, expected) => {
    expect(localHref(href)).toBe(expected)
  })

  it('sets ?format= and keeps the rest of the query', () => {
    expect(withFormat('/users?skip=25&limit=25&format=xml', 'csv')).toBe(
      '/users?skip=25&limit=25&format=csv',
    )
  })

  it('replaces ?format= in any spelling, which would name the format twice', () => {
    expect(withFormat('/Op?Format=html&FORMAT=html&x=1', 'xml')).toBe('/Op?x=1&format=xml')
  })
})

describe('dataHtml', () => {
  it('nests objects as tables, arrays of objects as row tables, other arrays as lists', () => {
    const out = dataHtml({ a: { b: 1 }, rows: [{ x: 1 }, { y: 'z' }], list: ['p', 2], n: null })
    expect(out).toContain('<th scope="row">a</th><td><table><tbody><tr><th scope="row">b</th>')
    expect(out).toContain('<th scope="col">x</th><th scope="col">y</th>')
    expect(out).toContain('<ol><li>p</li><li>2</li></ol>')
    expect(out).toContain('<span class="null">null</span>')
  })
})

describe('the HTML format', () => {
  it('shows the data, never a write-only member, and escapes every value', () => {
    const page = html.serialize(
      Thing,
      { name: '<img src=x onerror=alert(1)>', secret: 's3cr3t', tags: ['"a"'], owner: { id: 'o' } },
      context(),
    )
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(page).toContain('<h1>Thing</h1>')
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(page).not.toContain('<img')
    expect(page).not.toContain('s3cr3t')
    expect(page).not.toMatch(/<script|style="/)
  })

  it('links the resource in every other format, and its links as anchors', () => {
    const page = html.serialize(
      Thing,
      { name: 'n', tags: [], owner: { id: 'o' } },
      context({
        links: { self: { href: '/things/1' }, collection: { href: '/things' } },
      }),
    )
    for (const key of ['json', 'hal', 'xml', 'csv']) {
      expect(page).toContain(`href="/things/1?format=${key}"`)
    }
    expect(page).not.toContain('format=html')
    expect(page).toContain('<a rel="collection" href="/things">/things</a>')
  })

  it('links every item of a collection to its own page', () => {
    const Things = named('Things', v.object({ items: v.array(Thing), total: v.number() }))
    const items = [
      { name: 'a', tags: [], owner: { id: '1' } },
      { name: 'b', tags: [], owner: { id: '2' } },
    ]
    const page = html.serialize(
      Things,
      { items, total: 2 },
      context({
        links: { self: { href: '/things' } },
        collection: {
          itemsKey: 'items',
          itemLinks: (item) => ({ self: { href: `/things/${(item as { name: string }).name}` } }),
        },
      }),
    )
    expect(page).toContain('<a rel="item" href="/things/a">open</a>')
    expect(page).toContain('<a rel="item" href="/things/b">open</a>')
  })

  it('renders a problem, linking its type, never a foreign instance', () => {
    const problem = {
      type: '/problems/route-not-found',
      title: 'Route Not Found',
      status: 404,
      detail: 'No route matches this path.',
      instance: '//evil.example/<b>',
      code: 1021,
      traceId: 't',
      details: {},
    }
    const page = html.serialize(
      Problem,
      problem,
      context({
        links: { self: { href: problem.type } },
        problem: true,
      }),
    )
    expect(page).toContain('<h1>404 Route Not Found</h1>')
    expect(page).toContain('href="/problems/route-not-found"')
    expect(page).toContain('//evil.example/&lt;b&gt;')
    expect(page).not.toContain('href="//evil.example')
  })

  it('keeps its stylesheet free of anything a value could reach', () => {
    expect(PAGE_STYLE).not.toMatch(/[<>]/)
  })
})
