import type { MarkerStyle } from './url-format.ts'

// A path ServiceStack's reply route can carry: one segment, an operation's.
const ONE_SEGMENT = /^\/[^/]+$/

/**
 * A link to a path in the format `key`, named where the request named its format (`styles`,
 * from `urlFormat`): the inverse of `urlFormat`, so a client that named the format in the URL
 * and follows the link gets that format again. A suffix goes on the last path segment, the
 * reply route around a one-segment path (an operation's: only its requests name the format
 * there), `format=` after the query. Where the path cannot carry a suffix (`/`, a trailing
 * slash) or the reply route (a longer path), `?format=` says it.
 *
 * @example
 * markUrl('/contacts?after=x&limit=1', 'csv', ['suffix']) // '/contacts.csv?after=x&limit=1'
 * markUrl('/contacts?limit=1', 'xml', ['query']) // '/contacts?limit=1&format=xml'
 * markUrl('/Op', 'csv', ['reply']) // '/csv/reply/Op'
 * markUrl('/', 'xml', ['suffix']) // '/?format=xml'
 */
export const markUrl = (href: string, key: string, styles: readonly MarkerStyle[]): string => {
  const q = href.indexOf('?')
  let path = q < 0 ? href : href.slice(0, q)
  const query = q < 0 ? '' : href.slice(q)
  let inQuery = styles.includes('query')
  if (styles.includes('reply')) {
    if (ONE_SEGMENT.test(path)) path = `/${key}/reply${path}`
    else inQuery = true
  }
  if (styles.includes('suffix')) {
    if (!path.endsWith('/')) path = `${path}.${key}`
    else inQuery = true
  }
  return inQuery ? `${path}${query}${query ? '&' : '?'}format=${key}` : `${path}${query}`
}
