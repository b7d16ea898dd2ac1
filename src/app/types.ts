import type { Handler, MiddlewareHandler } from 'hono'
import type * as v from 'valibot'
import type { SecretsResult } from '../config/secrets.ts'
import type { Format } from '../formats/types.ts'
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
}

/** Delivers ServiceStack confirmation codes (email, SMS…); the default one logs them. */
export interface CodeSender {
  send(email: string, code: string): Promise<void>
}

/** Everything the app takes from outside, so tests inject deterministic ones. */
export interface AppDeps {
  store: Store
  secrets: SecretsResult
  clock: () => Date
  /** New resource ids. */
  newId: () => string
  /** New trace ids, one per request. */
  newTraceId: () => string
  logger: Logger
  codeSender: CodeSender
  limits?: Partial<Limits>
}

/** The negotiated representation of the current request. */
export interface Negotiated {
  format: Format
  mediaType: string
}

export interface AppEnv {
  Variables: {
    traceId: string
    negotiated: Negotiated | undefined
    /** The request path without a format marker (`.xml`, `/xml/reply/`): what was routed. */
    path: string
    deps: AppDeps
    limits: Limits
    /** Identity of the caller once authenticated (`apikey:…`, `org:…`). */
    principal: string
  }
}

/** One endpoint: its route, its description (index, OpenAPI) and its handlers. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  /** Link relation / operation id, e.g. `createAmazonUser`. */
  name: string
  title: string
  /** Request body schema, if any. */
  request?: v.GenericSchema
  /** Success response schema, if any. */
  response?: v.GenericSchema
  middleware?: MiddlewareHandler<AppEnv>[]
  handler: Handler<AppEnv>
}
