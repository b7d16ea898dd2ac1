import { escapeHtml } from './html-escape.ts'

type Row = Record<string, unknown>

const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const muted = (text: string) => `<span class="null">${text}</span>`

/**
 * A table with one row per item and the union of the items' members as columns (first-seen
 * order). With `hrefOf`, a first column links each item to its own page.
 *
 * @example
 * rowsTable([{ a: 1 }, { a: 2, b: 'x' }]) // <table><thead>…a…b…</thead><tbody>…</tbody></table>
 */
export const rowsTable = (
  items: readonly Row[],
  hrefOf?: (index: number) => string | undefined,
): string => {
  const columns = [...new Set(items.flatMap((item) => Object.keys(item)))]
  let out = '<table><thead><tr>'
  if (hrefOf) out += '<th></th>'
  for (const column of columns) out += `<th scope="col">${escapeHtml(column)}</th>`
  out += '</tr></thead><tbody>'
  items.forEach((item, index) => {
    out += '<tr>'
    if (hrefOf) {
      const href = hrefOf(index)
      out += `<td>${href ? `<a rel="item" href="${escapeHtml(href)}">open</a>` : ''}</td>`
    }
    for (const column of columns) out += `<td>${column in item ? dataHtml(item[column]) : ''}</td>`
    out += '</tr>'
  })
  return `${out}</tbody></table>`
}

/**
 * Data as readable markup, every value escaped: an object is a two-column table (member,
 * value), an array of objects a table with a row per item, any other array a numbered list,
 * and nested values nest. Takes projected data (write-only members already removed), whose
 * depth the projection bounded.
 *
 * @example
 * dataHtml({ name: '<b>', tags: ['a'] })
 * // <table><tbody><tr><th scope="row">name</th><td>&lt;b&gt;</td></tr>…<ol><li>a</li></ol>…
 */
export const dataHtml = (value: unknown): string => {
  if (value === null || value === undefined) return muted('null')
  if (Array.isArray(value)) {
    if (value.length === 0) return muted('none')
    if (value.every(isRow)) return rowsTable(value)
    return `<ol>${value.map((item) => `<li>${dataHtml(item)}</li>`).join('')}</ol>`
  }
  if (isRow(value)) {
    const keys = Object.keys(value)
    if (keys.length === 0) return muted('empty')
    const rows = keys.map(
      (key) => `<tr><th scope="row">${escapeHtml(key)}</th><td>${dataHtml(value[key])}</td></tr>`,
    )
    return `<table><tbody>${rows.join('')}</tbody></table>`
  }
  return escapeHtml(String(value))
}
