import { shapeOf, typeName } from '../model/shape.ts'
import { dataHtml, rowsTable } from './html-data.ts'
import { escapeHtml, localHref, withFormat } from './html-escape.ts'
import { HTML_PAGE_POLICY, htmlPage } from './html-page.ts'
import { project } from './project.ts'
import { type Format, type Links, rootDepth, type SerializeContext } from './types.ts'

const CONTENT_TYPE = 'text/html; charset=utf-8'

type Row = Record<string, unknown>

const anchor = (href: string, text: string, attrs = ''): string => {
  const local = localHref(href)
  return local
    ? `<a${attrs} href="${escapeHtml(local)}">${escapeHtml(text)}</a>`
    : `<code>${escapeHtml(text)}</code>`
}

/**
 * "Also as: JSON · HAL · XML · CSV": the same URL with `?format=` for every other format, made
 * from the URL that names no format (`canonical`), as `/users.html?format=csv` would name two.
 */
const alternatesNav = (self: string | undefined, formats: readonly Format[]): string => {
  const href = self === undefined ? undefined : localHref(self)
  if (!href) return ''
  const links = formats
    .filter((f) => f.key !== 'html')
    .map((f) =>
      anchor(
        withFormat(href, f.key),
        f.key.toUpperCase(),
        ` rel="alternate" type="${f.mediaTypes[0]}"`,
      ),
    )
  return `<nav class="formats"><span class="muted">Also as:</span> ${links.join(' ')}</nav>`
}

/** The resource's links (HAL's `_links`); templated ones are shown, not followed. */
const linksTable = (links: Links): string => {
  const titled = Object.values(links).some((link) => link.title)
  const rows = Object.entries(links).map(([rel, link]) => {
    const target = link.templated
      ? `<code>${escapeHtml(link.href)}</code>`
      : anchor(link.href, link.href, ` rel="${escapeHtml(rel)}"`)
    const title = titled ? `<td>${escapeHtml(link.title ?? '')}</td>` : ''
    return `<tr><th scope="row">${escapeHtml(rel)}</th><td>${target}</td>${title}</tr>`
  })
  return `<h2>Links</h2><table><tbody>${rows.join('')}</tbody></table>`
}

/** A collection page: its own members, then one row per item linking to the item. */
const collectionHtml = (data: Row, value: unknown, context: SerializeContext): string => {
  const page = context.collection!
  const { [page.itemsKey]: projected, ...rest } = data
  const items = Array.isArray(projected) ? (projected as Row[]) : []
  const source = (value as Row)[page.itemsKey] as unknown[]
  const hrefOf = (i: number) => localHref(page.itemLinks(source[i]).self?.href ?? '')
  const table = items.length ? rowsTable(items, hrefOf) : '<p class="muted">No items.</p>'
  return `${dataHtml(rest)}<h2>${escapeHtml(page.itemsKey)}</h2>${table}`
}

/**
 * `text/html`: the representation for browsers, joined after the API formats so that `*\/*`
 * still means JSON while a browser's own Accept header (`text/html,…`) gets a page. The page
 * shows the data as nested tables, the links as anchors, collection items linked to their own
 * pages, and links to the same URL in every other format. Self-contained and script-free;
 * every value is escaped and only same-origin paths become links. `formats` is a thunk because
 * the registry that lists this format is what it links to.
 *
 * @example
 * export const formats = [json, hal, xml, csv, htmlFormat(() => formats)]
 */
export const htmlFormat = (formats: () => readonly Format[]): Format => ({
  key: 'html',
  extension: 'html',
  mediaTypes: ['text/html'],
  contentType: () => CONTENT_TYPE,
  problemContentType: CONTENT_TYPE,
  documentPolicy: () => ({ policy: HTML_PAGE_POLICY }),
  noExample: true,
  serialize: (schema, value, context) => {
    const data = project(shapeOf(schema), value, context.maxDepth, rootDepth(context)) as Row
    if (context.problem) {
      const about = context.links.self
        ? `<p>About this problem: ${anchor(context.links.self.href, String(data.title))}</p>`
        : ''
      // Only formats a browser shows for an error status: it would download an XML or CSV
      // problem, and a download of a 4xx fails ("This site can't be reached" in Chromium).
      const shown = formats().filter((f) => f.problemContentType.includes('json'))
      const nav = context.acted
        ? ''
        : alternatesNav(context.canonical ?? String(data.instance), shown)
      return htmlPage({
        title: `${String(data.status)} ${String(data.title)}`,
        body: `${nav}${about}${dataHtml(data)}`,
      })
    }
    const nav = context.acted
      ? ''
      : alternatesNav(context.canonical ?? context.links.self?.href, formats())
    const body = context.collection ? collectionHtml(data, value, context) : dataHtml(data)
    return htmlPage({
      title: typeName(schema) ?? 'Resource',
      body: `${nav}${body}${linksTable(context.links)}`,
    })
  },
})
