/**
 * Where a URL names its format: a suffix on the path (`/users.csv`), `?format=`, or
 * ServiceStack's `/{format}/reply/{Operation}`.
 */
export type MarkerStyle = 'suffix' | 'query' | 'reply'

/** The explicit format a URL names, and the path to route once the marker is removed. */
export interface UrlFormat {
  /**
   * The path to route: without the format marker(s), and an operation's path spelled as the
   * operation is; otherwise unchanged.
   */
  path: string
  /** The format key the URL names (one of `keys`). */
  key?: string
  /** With `key`: where the URL names it (two places when two markers agree). */
  styles?: MarkerStyle[]
  /** A `?format=` value that is not a key: the caller answers 406. */
  unknown?: string
  /** Every value of a `?format=` given more than once: the caller answers 406. */
  repeated?: string[]
  /** Markers that name different formats, as written (`.csv`, `?format=xml`): 406. */
  conflicting?: string[]
}

// ServiceStack's predefined route. Segments exclude `/`, so the match is linear.
// The `reply` segment in any letter case too, as ServiceStack matches `/Json/Reply/Op`.
const REPLY_ROUTE = /^\/([^/]+)\/reply\/([^/]+)$/i

const findKey = (keys: readonly string[], value: string): string | undefined => {
  const lower = value.toLowerCase()
  return keys.find((k) => k.toLowerCase() === lower)
}

interface Marker {
  key: string
  style: MarkerStyle
  /** How the URL wrote it, for a 406 that names the markers. */
  written: string
}

/** `/users.xml` → `['/users', 'xml']`; only a key counts, so `/v2.0` and `/report.pdf` stay. */
const splitSuffix = (path: string, keys: readonly string[]): [string, Marker] | undefined => {
  const slash = path.lastIndexOf('/')
  const dot = path.lastIndexOf('.')
  // The dot must be inside the last segment and leave a name before it (`/.json` is no suffix).
  if (dot <= slash + 1) return undefined
  const key = findKey(keys, path.slice(dot + 1))
  return key === undefined
    ? undefined
    : [path.slice(0, dot), { key, style: 'suffix', written: path.slice(dot) }]
}

/** `/csv/reply/Op` → `['/Op', 'csv']`, for an operation only: `/csv/reply/contacts` stays. */
const splitReplyRoute = (
  path: string,
  keys: readonly string[],
  operations: readonly string[],
): [string, Marker] | undefined => {
  const m = REPLY_ROUTE.exec(path)
  if (!m?.[1] || !m[2]) return undefined
  const key = findKey(keys, m[1])
  const operation = findKey(operations, m[2])
  if (key === undefined || operation === undefined) return undefined
  const written = path.slice(0, path.length - m[2].length)
  return [`/${operation}`, { key, style: 'reply', written }]
}

/**
 * Every `?format=` in the query, its name in any letter case (`?Format=csv`, `?FORMAT=`), with
 * the name as written. ServiceStack matches query names so, and its operations' DTO members
 * do here too; the marker does so on every route, not only an operation's: it is the gateway's
 * one format marker, read before the route is known, whose value and path forms already match
 * in any case everywhere (`/users.XML`, `?format=Xml`), and no route has another parameter of
 * that name. Taken on one route and ignored on the next, `?Format=csv` would silently answer
 * JSON there. Two spellings at once are the marker given twice.
 */
const formatParams = (search: URLSearchParams): { name: string; value: string }[] => {
  const found: { name: string; value: string }[] = []
  if (search.size === 0) return found
  for (const [name, value] of search)
    if (name.length === 6 && name.toLowerCase() === 'format') found.push({ name, value })
  return found
}

/** An operation's path in any letter case, in the operation's own spelling. */
const operationPath = (path: string, operations: readonly string[]): string => {
  if (operations.length === 0 || path.indexOf('/', 1) >= 0) return path
  const operation = findKey(operations, path.slice(1))
  return operation === undefined ? path : `/${operation}`
}

/**
 * Finds an explicit format in the URL: a suffix on the last path segment (`/users.csv`),
 * ServiceStack's `/{format}/reply/{Operation}` (for the `operations` only) and `?format=` (its
 * name in any letter case: `?Format=`). Keys match case-insensitively and come back as given
 * in `keys`; so do the `operations`, which route in any letter case
 * (`/cognitosendconfirmcoderequest`). Both path markers are removed (`/csv/reply/Op.csv`
 * routes as `/Op`). An empty `?format=` is treated as absent. Markers that name one format
 * agree; markers that name different ones (`conflicting`), an unknown `?format=` (`unknown`)
 * and a `?format=` given twice, in any spellings (`repeated`), name no format,
 * whatever else the URL says: the caller answers 406, as a body member given twice is refused
 * rather than one copy taken.
 *
 * @example
 * urlFormat('/v2.0/external/alexa/users.xml', new URLSearchParams(), ['json', 'xml'])
 * // { path: '/v2.0/external/alexa/users', key: 'xml', styles: ['suffix'] }
 * urlFormat('/csv/reply/op', new URLSearchParams(), ['csv'], ['Op'])
 * // { path: '/Op', key: 'csv', styles: ['reply'] }
 * urlFormat('/users.csv', new URLSearchParams('format=pdf'), ['csv'])
 * // { path: '/users', unknown: 'pdf' }
 * urlFormat('/users.csv', new URLSearchParams('format=xml'), ['csv', 'xml'])
 * // { path: '/users', conflicting: ['.csv', '?format=xml'] }
 */
export const urlFormat = (
  path: string,
  search: URLSearchParams,
  keys: readonly string[],
  operations: readonly string[] = [],
): UrlFormat => {
  const suffix = splitSuffix(path, keys)
  const reply = splitReplyRoute(suffix?.[0] ?? path, keys, operations)
  const routed = operationPath(reply?.[0] ?? suffix?.[0] ?? path, operations)
  const markers: Marker[] = []
  if (suffix) markers.push(suffix[1])
  if (reply) markers.push(reply[1])
  const params = formatParams(search)
  if (params.length > 1) return { path: routed, repeated: params.map((p) => p.value) }
  const [param] = params
  if (param?.value) {
    const known = findKey(keys, param.value)
    if (known === undefined) return { path: routed, unknown: param.value }
    markers.push({ key: known, style: 'query', written: `?${param.name}=${param.value}` })
  }
  const [first] = markers
  if (first === undefined) return { path: routed }
  if (markers.some((m) => m.key !== first.key))
    return { path: routed, conflicting: markers.map((m) => m.written) }
  return { path: routed, key: first.key, styles: markers.map((m) => m.style) }
}
