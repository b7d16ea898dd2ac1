const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

// Characters HTML may not carry as text (C0 controls other than TAB/LF/CR, DEL, lone
// surrogates, noncharacters): shown as U+FFFD, as the XML writer does, so a page always parses.
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Text or an attribute value, safe inside HTML: `& < > " '` as character references, so a
 * value can never close its element or attribute.
 *
 * @example
 * escapeHtml('<script>"x"</script>') // '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
 */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(ILLEGAL, '\uFFFD')

/**
 * A link target this gateway made, or undefined when it is not a path on this origin. Links come
 * from handlers, but a problem's `instance` echoes the request path: `//evil.example` or
 * `/\evil.example` would leave the site, and any scheme (`javascript:`) could run script.
 *
 * @example
 * localHref('/users?skip=0') // '/users?skip=0'
 * localHref('//evil.example/') // undefined
 */
export const localHref = (href: string): string | undefined =>
  /^\/(?![/\\])/.test(href) && !/[\u0000-\u001F\u007F]/.test(href) ? href : undefined

/**
 * The same path with `?format=<key>` set (other query parameters kept): the page's links to the
 * resource in other formats. A marker spelled otherwise (`?Format=`) goes, since it names the
 * format too: kept, it would make the link name it twice.
 *
 * @example
 * withFormat('/users?skip=25&limit=25', 'csv') // '/users?skip=25&limit=25&format=csv'
 */
export const withFormat = (href: string, key: string): string => {
  const url = new URL(href, 'http://gateway.invalid')
  for (const name of new Set(url.searchParams.keys()))
    if (name !== 'format' && name.toLowerCase() === 'format') url.searchParams.delete(name)
  url.searchParams.set('format', key)
  return `${url.pathname}${url.search}`
}
