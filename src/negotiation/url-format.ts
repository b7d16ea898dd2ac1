/** The explicit format a URL names, and the path to route once the marker is removed. */
export interface UrlFormat {
  /** The path without the format marker(s); unchanged when there is none. */
  path: string
  /** The format key the URL names (one of `keys`). */
  key?: string
  /** A `?format=` value that is not a key: the caller answers 406. */
  unknown?: string
  /** Every value of a `?format=` given more than once: the caller answers 406. */
  repeated?: string[]
}

// ServiceStack's predefined route. Segments exclude `/`, so the match is linear.
const REPLY_ROUTE = /^\/([^/]+)\/reply\/([^/]+)$/

const findKey = (keys: readonly string[], value: string): string | undefined => {
  const lower = value.toLowerCase()
  return keys.find((k) => k.toLowerCase() === lower)
}

/** `/users.xml` → `['/users', 'xml']`; only a key counts, so `/v2.0` and `/report.pdf` stay. */
const splitSuffix = (path: string, keys: readonly string[]): [string, string] | undefined => {
  const slash = path.lastIndexOf('/')
  const dot = path.lastIndexOf('.')
  // The dot must be inside the last segment and leave a name before it (`/.json` is no suffix).
  if (dot <= slash + 1) return undefined
  const key = findKey(keys, path.slice(dot + 1))
  return key === undefined ? undefined : [path.slice(0, dot), key]
}

const splitReplyRoute = (path: string, keys: readonly string[]): [string, string] | undefined => {
  const m = REPLY_ROUTE.exec(path)
  const key = m?.[1] === undefined ? undefined : findKey(keys, m[1])
  return key === undefined || m?.[2] === undefined ? undefined : [`/${m[2]}`, key]
}

/**
 * Finds an explicit format in the URL. Precedence: a suffix on the last path segment
 * (`/users.csv`), then ServiceStack's `/{format}/reply/{Operation}`, then `?format=`. Keys match
 * case-insensitively and come back as given in `keys`. Both path markers are removed even when
 * the suffix wins (`/csv/reply/Op.xml` routes as `/Op`, format xml), so the path always routes.
 * An empty `?format=` is treated as absent; lower-precedence markers are ignored, an unknown
 * `?format=` included. A `?format=` given twice names no one format (`repeated`), as a body
 * member or a paging parameter given twice is refused rather than one copy taken.
 *
 * @example
 * urlFormat('/v2.0/external/alexa/users.xml', new URLSearchParams(), ['json', 'xml'])
 * // { path: '/v2.0/external/alexa/users', key: 'xml' }
 * urlFormat('/csv/reply/CognitoSendConfirmCodeRequest', new URLSearchParams(), ['csv'])
 * // { path: '/CognitoSendConfirmCodeRequest', key: 'csv' }
 * urlFormat('/users', new URLSearchParams('format=pdf'), ['json']) // { path: '/users', unknown: 'pdf' }
 */
export const urlFormat = (
  path: string,
  search: URLSearchParams,
  keys: readonly string[],
): UrlFormat => {
  const suffix = splitSuffix(path, keys)
  const reply = splitReplyRoute(suffix?.[0] ?? path, keys)
  const routed = reply?.[0] ?? suffix?.[0] ?? path
  const key = suffix?.[1] ?? reply?.[1]
  if (key !== undefined) return { path: routed, key }
  const query = search.get('format')
  if (query === null) return { path }
  const all = search.getAll('format')
  if (all.length > 1) return { path, repeated: all }
  if (!query) return { path }
  const known = findKey(keys, query)
  return known === undefined ? { path, unknown: query } : { path, key: known }
}
