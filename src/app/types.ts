import type { Handler, MiddlewareHandler } from 'hono'
import type * as v from 'valibot'
import type { SecretsResult } from '../config/secrets.ts'
import type { Format } from '../formats/types.ts'
import type { ClientAddress } from '../helper/client-address.ts'
import type { MarkerStyle } from '../negotiation/index.ts'
import type { ProblemKind } from '../problems/catalogue.ts'
import type { Store } from '../store/index.ts'

/** Structured logging; the default writes JSON lines. Never given a secret. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface Limits {
  /** Largest accepted request body in bytes (413 beyond). Default 1 MiB. */
  bodyBytes: number
  /** Deepest accepted body nesting, and the serializers' depth limit. Default 32. */
  maxDepth: number
  /**
   * Most members (JSON), elements and attributes (XML), columns (CSV) or fields (form) a body
   * may name (400 beyond). Default 10,000: the largest contact a body can carry names a few
   * thousand; past that a body costs its parser more than a request should.
   */
  maxNodes: number
  /** Longest accepted value of a header the gateway reads (431 beyond). Default 4 KiB. */
  headerBytes: number
  /** Failed authentications per client within the window before 429. Default 10. */
  authFailures: number
  /** The window of `authFailures`, in seconds. Default 300. */
  authFailureWindowSeconds: number
}

/** Delivers ServiceStack confirmation codes (email, SMS…); the default one logs them. */
export interface CodeSender {
  send(email: string, code: string): Promise<void>
  /**
   * The longest one `send` takes before it settles, in milliseconds: a webhook's timeout, 0
   * for the log. A send holds its address (no other send to it) at most this long plus a
   * margin; without it, the longest a webhook may take (60 s).
   */
  maxMs?: number
}

/** Everything the app takes from outside, so tests inject deterministic ones. */
export interface AppDeps {
  store: Store
  secrets: SecretsResult
  clock: () => Date
  /** Monotonic milliseconds for measured durations; `performance.now()` by default. */
  timer?: () => number
  /** New resource ids. */
  newId: () => string
  /** New trace ids, one per request. */
  newTraceId: () => string
  logger: Logger
  codeSender: CodeSender
  limits?: Partial<Limits>
  /** Lifetime of open.cx contact tokens (CONTACT_TOKEN_TTL_SECONDS); 24 hours by default. */
  contactTokenTtlSeconds?: number
  /** Origins allowed to call from a browser (CORS_ORIGINS); none (CORS off) by default. */
  corsOrigins?: readonly string[]
  /** The caller's address, for per-client limits; by default `CF-Connecting-IP` (Workers). */
  clientAddress?: ClientAddress
  /** Swagger UI's files for `/docs`; each runtime keeps them its own way. Without: no `/docs`. */
  docsAssets?: DocsAssets
  /**
   * The runtime gzips responses for clients that accept it (Node's COMPRESSION): every
   * response then says `Vary: Accept-Encoding` too. Workers leave it to Cloudflare's edge.
   */
  compression?: boolean
}

/** Files of the installed `swagger-ui-dist` package that `/docs` serves. */
export interface DocsAssets {
  /** The text of `swagger-ui.css` or `swagger-ui-bundle.js`; undefined for any other name. */
  read(file: string): Promise<string | undefined>
}

/** The negotiated representation of the current request. */
export interface Negotiated {
  format: Format
  mediaType: string
  /** Named by the URL (`.csv`, `?format=`, `/csv/reply/…`) rather than chosen from Accept. */
  byUrl: boolean
  /**
   * With `byUrl`: where the URL names the format. Links to this same representation name it
   * there too (`ownLinks`), so a client that cannot send Accept keeps its format.
   */
  styles?: readonly MarkerStyle[]
}

export interface AppEnv {
  Variables: {
    traceId: string
    negotiated: Negotiated | undefined
    /**
     * How problems are rendered when no format of the response is acceptable but Accept names
     * a problem media type (`application/problem+xml`): the route still answers its errors,
     * in that type, and is a 406 only where it would succeed.
     */
    problemsAs: Negotiated | undefined
    /** The request path without a format marker (`.xml`, `/xml/reply/`): what was routed. */
    path: string
    deps: AppDeps
    limits: Limits
    /** Identity of the caller once authenticated (`apikey:…`, `org:…`). */
    principal: string
    /** The Content-Security-Policy of an HTML page that needs more than the default one. */
    pagePolicy: string | undefined
    /** Set on a GET that acts (`Endpoint.refuseHead`): asking again would act again. */
    acts: boolean | undefined
    /** The endpoint the request was routed to; `respond` answers with its `status`. */
    endpoint: Endpoint | undefined
  }
}

/** One endpoint: its route, its description (index, OpenAPI) and its handlers. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE'
  /**
   * A GET that acts (it sends a code): HEAD, which Hono would answer with the GET handler, is
   * refused with a 405 instead, and `Allow` does not list it.
   */
  refuseHead?: boolean
  path: string
  /** Link relation / operation id, e.g. `createAmazonUser`. */
  name: string
  title: string
  /** Request body schema, if any. */
  request?: v.GenericSchema
  /** Success response schema, if any. */
  response?: v.GenericSchema
  /** Query parameters the handler reads besides a GET's request DTO (paging), for the docs. */
  query?: v.GenericSchema
  /**
   * Status of success: 200 by default, 204 when there is no response schema. `respond` answers
   * with it, and OpenAPI and the metadata pages document it (201 with its `Location`).
   */
  status?: 200 | 201 | 204
  /**
   * Keys of the formats it serves, when not every format (`['json', 'hal', 'xml', 'csv']`):
   * Accept is negotiated among these, and OpenAPI lists only their media types.
   */
  formats?: readonly string[]
  /** A collection whose items live under another path (the export's, under `/contacts`). */
  itemsAt?: string
  /**
   * The response is a file to save, and this is what its name starts with. The handler sends
   * `Content-Disposition: attachment` (`attachment` in `src/helper/download.ts`), and OpenAPI
   * documents the header.
   */
  download?: string
  /**
   * The handler applies the body size limit itself (`ReadBodyOptions.limit`), so that a body
   * over it is answered like its other failures (a ServiceStack DTO) rather than as a problem.
   */
  limitsBody?: boolean
  /**
   * Whether it uses the database, and what answers while the database lacks the latest
   * migration (a Worker deployed before `wrangler d1 migrations apply`):
   * - left out, the default: the app does. The route answers the 503 problem `/healthz`
   *   answers, before its middleware (credentials, body), and runs nothing
   *   (`requireMigrated`). A new endpoint gets this unless it says otherwise.
   * - `'inHandler'`: it uses the database, but its handler answers an unmigrated one itself:
   *   an operation that answers its failures in its response DTO (`whenMigrated`, in
   *   ServiceStack's `reply`), `/healthz`, which asks the database on every probe.
   * - `false`: it never touches the database (the problem types, the index, the pages that
   *   describe the API); it answers whatever state the database is in.
   *
   * OpenAPI and the metadata pages document the 503 on every route but a `false` one.
   */
  store?: false | 'inHandler'
  /**
   * Problems the handler answers beyond those its declaration implies (OpenAPI and the
   * metadata pages list them). An operation that answers its failures in its DTO answers these
   * there, under their status (ServiceStack's 403 to a browser's cross-site request).
   */
  problems?: readonly ProblemKind[]
  /** An empty body is the request with every member absent: OpenAPI says it is optional. */
  emptyBody?: boolean
  /**
   * What fails when a service the operation calls fails, answered 502 in its response DTO
   * (a confirmation code that could not be delivered): OpenAPI documents the 502.
   */
  upstreamFailure?: string
  /**
   * A documentation page the index (`GET /`) links, under `rel`: one of RFC 8631's
   * (`service-desc`, `service-doc`), which the `Link` header carries too, or a name of its own
   * (HAL only, as an operation's). `href`: the URL to follow, when the routed path is not one
   * (`/openapi.json`, routed as `/openapi`).
   */
  indexedAs?: { rel: string; href?: string }
  /**
   * Runs before the handler, in order. The credentials it checks (`apiKey()`, `orgToken()`,
   * `contactToken()`) are what OpenAPI and the metadata pages document: they read them from
   * here (`securityOf`), with the 401 and 429 they imply.
   */
  middleware?: MiddlewareHandler<AppEnv>[]
  handler: Handler<AppEnv>
}
