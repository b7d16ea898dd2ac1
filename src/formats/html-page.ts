import { createHash } from 'node:crypto'
import { escapeHtml } from './html-escape.ts'

/**
 * The one stylesheet of every HTML page, inline so a page needs nothing else. The page CSP
 * allows exactly this text by its hash (`HTML_PAGE_POLICY`), so it is a constant: no value
 * ever goes into it, and no page uses `style` attributes.
 */
export const PAGE_STYLE = [
  ':root{color-scheme:light dark;font:15px/1.45 system-ui,sans-serif}',
  'body{margin:0 auto;max-width:72rem;padding:0 1rem 2rem}',
  'header{display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline;padding:.6rem 0;border-bottom:1px solid #8886;margin-bottom:1rem}',
  'header a:first-child{font-weight:600}',
  'h1{font-size:1.5rem;margin:.4rem 0}h2{font-size:1.15rem;margin:1.4rem 0 .4rem}',
  'table{border-collapse:collapse;margin:.2rem 0}td table{margin:0}',
  // A long value (a 256-character name, an 8 KiB chat context) wraps instead of widening the page.
  'th,td{border:1px solid #8886;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}',
  'th{background:#8882;font-weight:600}',
  'ul,ol{margin:0;padding-left:1.3rem}',
  '.null{opacity:.6;font-style:italic}.muted{opacity:.75}',
  'nav.formats a{margin-right:.7rem}',
  'pre{background:#8882;padding:.6rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}',
].join('\n')

/**
 * The CSP of the gateway's HTML pages: nothing may load, run, submit or frame, and the only
 * style allowed is the pages' own inline stylesheet, named by its hash (so injected markup could
 * not even restyle a page). `img-src data:` is for the empty `data:` favicon.
 */
export const HTML_PAGE_POLICY =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'; ` +
  "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The gateway's own pages, linked from every page's header. */
const NAV = [
  ['/', 'Conneg Gateway'],
  ['/docs', 'API reference'],
  ['/metadata', 'Operations'],
  ['/openapi.json', 'OpenAPI'],
] as const

export interface PageOptions {
  /** Plain text: escaped here. */
  title: string
  /** Markup, already escaped by its builder. */
  body: string
}

/**
 * A complete, self-contained HTML document: the header's navigation, the title and the body.
 * No script, no external resource; the favicon is an empty `data:` URL, so a browser does not
 * ask for `/favicon.ico` either.
 *
 * @example
 * htmlPage({ title: 'AmazonUser', body: '<table>…</table>' })
 */
export const htmlPage = ({ title, body }: PageOptions): string => {
  const nav = NAV.map(([href, text]) => `<a href="${href}">${text}</a>`).join('')
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)} · Conneg Gateway</title><link rel="icon" href="data:,">` +
    `<style>${PAGE_STYLE}</style></head><body><header>${nav}</header>` +
    `<main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  )
}
