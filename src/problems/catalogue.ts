import type { ProblemType } from '../model/problem.ts'

/**
 * The documented problem catalogue. Each entry's `type` URI (`/problems/<slug>`) resolves to a
 * page the gateway serves; `code` is the stable number clients switch on (1000 = validation
 * failed, as in Cognigy's API).
 */
export const catalogue = {
  validation: {
    code: 1000,
    status: 400,
    title: 'Validation Failed',
    description:
      'The request was well-formed but its values do not match the schema, or it has no body. details.errors lists each offending member as a JSON pointer with a message (the pointer "" for a missing body).',
  },
  malformedBody: {
    code: 1001,
    status: 400,
    title: 'Malformed Body',
    description:
      'The request body could not be read in its declared Content-Type: broken JSON/XML/CSV/form syntax, invalid UTF-8, a lone surrogate escaped in JSON text or a JSON number out of range (1e400), a DOCTYPE or entity declaration, nesting that is too deep, a forbidden key such as __proto__, a member, field or column given twice, or a body that broke off before its end (the connection closed during the upload).',
  },
  badQuery: {
    code: 1002,
    status: 400,
    title: 'Invalid Query Parameter',
    description: 'A query parameter is malformed or out of range; details.errors names it.',
  },
  malformedRequest: {
    code: 1003,
    status: 400,
    title: 'Malformed Request',
    description:
      'The request is not valid HTTP: a request line, header or Host the server cannot parse. The connection is closed after the answer.',
  },
  requestTimeout: {
    code: 1004,
    status: 408,
    title: 'Request Timeout',
    description:
      "The request did not arrive within the server's time limit (on Node, by default 60 s for the headers, 5 minutes for the whole request, and 60 s with nothing of it arriving). The connection is closed after the answer.",
  },
  expectationFailed: {
    code: 1005,
    status: 417,
    title: 'Expectation Failed',
    description:
      'The Expect header asks for something other than 100-continue, the only expectation the server meets (RFC 9110 §10.1.1). The request is not served, and the connection is closed after the answer.',
  },
  unauthorized: {
    code: 1010,
    status: 401,
    title: 'Unauthorized',
    description:
      'The request lacks valid credentials: an X-API-Key for Cognigy routes, a Bearer token for open.cx routes.',
  },
  crossSiteRequest: {
    code: 1011,
    status: 403,
    title: 'Cross-Site Request Refused',
    description:
      "A browser sent the request for a page of another site (Sec-Fetch-Site: cross-site or same-site) or, where it sends no Sec-Fetch-Site, of another origin (Origin, null included), and CORS_ORIGINS does not list that origin. An operation that acts without credentials (ServiceStack's CognitoSendConfirmCodeRequest, on every method) refuses it before doing anything, so that no page can make its visitors' browsers act on it. Clients that are not browsers send neither header and are not affected.",
  },
  notFound: {
    code: 1020,
    status: 404,
    title: 'Not Found',
    description: 'The addressed resource does not exist (or no longer exists).',
  },
  routeNotFound: {
    code: 1021,
    status: 404,
    title: 'Route Not Found',
    description: 'No route matches this path. GET / lists every route.',
  },
  methodNotAllowed: {
    code: 1030,
    status: 405,
    title: 'Method Not Allowed',
    description:
      'The route exists but not for this method; the Allow header lists the methods it has.',
  },
  notAcceptable: {
    code: 1040,
    status: 406,
    title: 'Not Acceptable',
    description:
      'Nothing the Accept header allows can be produced. details.accepted lists the media types the gateway serves.',
  },
  unknownFormat: {
    code: 1041,
    status: 406,
    title: 'Unknown Format',
    description:
      'The URL names a format with ?format= that does not exist, gives ?format= more than once, or names different formats in two places (.csv?format=xml). details.accepted lists the media types the gateway serves. (A suffix or /{format}/reply/ that names no format is part of the path: a 404.)',
  },
  payloadTooLarge: {
    code: 1050,
    status: 413,
    title: 'Payload Too Large',
    description:
      'The request body is larger than the configured limit (1 MiB by default); details.maxBytes gives it.',
  },
  headerTooLarge: {
    code: 1051,
    status: 431,
    title: 'Request Header Fields Too Large',
    description:
      'A header the gateway reads (Accept, Content-Type, X-API-Key, Authorization, Origin, X-Forwarded-For, CF-Connecting-IP) is longer than the limit (4 KiB by default); details.header names it. On Node, also a header section over 16 KiB in all.',
  },
  uriTooLong: {
    code: 1052,
    status: 414,
    title: 'URI Too Long',
    description:
      "The request line, with the URL it names, is longer than the server reads (on Node, 16 KiB: the limit of the request's head). The connection is closed after the answer.",
  },
  unsupportedMediaType: {
    code: 1060,
    status: 415,
    title: 'Unsupported Media Type',
    description:
      'The request body has a Content-Type, a character encoding or a Content-Encoding the gateway cannot read: another type, text/csv with header=absent (a CSV body starts with its header row), an encoding other than UTF-8 (named by a charset parameter, a byte order mark or an XML declaration). details.accepted lists the body types it accepts; bodies are read as UTF-8, unencoded.',
  },
  tooManyRequests: {
    code: 1070,
    status: 429,
    title: 'Too Many Requests',
    description:
      'This client failed authentication too often (10 times in 5 minutes by default) and is refused until the Retry-After interval has passed, even with valid credentials.',
  },
  serviceUnavailable: {
    code: 1090,
    status: 503,
    title: 'Service Unavailable',
    description:
      'Storage is unavailable for the moment, or the database does not have the latest migration (GET /healthz and every route that reads or writes it say so). Retry after the Retry-After interval.',
  },
  internal: {
    code: 1099,
    status: 500,
    title: 'Internal Server Error',
    description:
      'Something failed inside the gateway. Nothing about it is shown; it is logged with the traceId of this response.',
  },
  notConfigured: {
    code: 1100,
    status: 500,
    title: 'Server Not Configured',
    description:
      'A required secret or setting is missing or invalid (API_KEYS, ORG_TOKENS, TOKEN_SECRET, ENCRYPTION_KEY; in production a confirmation-code webhook; any setting out of range), and the gateway refuses to serve rather than fall back to guessable values. Its log names the variables.',
  },
} as const satisfies Record<string, Omit<ProblemType, 'slug'>>

export type ProblemKind = keyof typeof catalogue

const slugOf = (kind: string): string => kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** Every problem type as a page model, in catalogue order. */
export const problemTypes = (): ProblemType[] =>
  Object.entries(catalogue).map(([kind, entry]) => ({ slug: slugOf(kind), ...entry }))

/** The `type` URI of a problem kind: a path on this gateway. */
export const problemTypeUri = (kind: ProblemKind): string => `/problems/${slugOf(kind)}`
