import type { Format } from '../formats/types.ts'
import { requestBody, responseBody, responseSample } from './bodies.ts'
import type { SchemaSet } from './json-schemas.ts'
import type { Operation } from './operations.ts'
import { attachment } from '../helper/download.ts'
import type { SecurityScheme } from '../middleware/security-scheme.ts'
import { SAMPLE_TIME, sampleOf } from './samples.ts'

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' }

/** The header each kind of credentials travels in, as a sample request shows it. */
export const CREDENTIALS: Record<SecurityScheme, string> = {
  apiKey: 'X-API-Key: <api key>',
  orgToken: 'Authorization: Bearer <organisation token>',
  contactToken: 'Authorization: Bearer <contact token>',
}

const bytes = (text: string) => new TextEncoder().encode(text).length

/** A sample exchange: the HTTP request and response as text. */
export interface HttpSample {
  request: string
  response: string
}

/** The body type a client of `format` sends: its own when the gateway reads it, else JSON. */
const bodyTypeFor = (format: Format, requestTypes: readonly string[]): string =>
  requestTypes.find((t) => t === format.mediaTypes[0]) ?? requestTypes[0] ?? 'application/json'

/**
 * A sample HTTP request and response of an operation in one format, as ServiceStack's metadata
 * pages show them, but with real bodies: the request DTO written in the format's body type (a
 * GET's in the query string), the response written by the format's serializer, and true
 * Content-Length values (a file to save, streamed, its name instead). Path parameters stay
 * placeholders (`{id}`), as do credentials.
 *
 * @example
 * httpSample(op, set, csv, ['application/json', 'text/csv'], 'localhost:8787').request
 * // 'POST /CognitoSendConfirmCodeRequest HTTP/1.1\nHost: localhost:8787\nAccept: text/csv\n…'
 */
export const httpSample = (
  op: Operation,
  set: SchemaSet,
  format: Format,
  requestTypes: readonly string[],
  host: string,
): HttpSample => {
  const { endpoint } = op
  const accept = format.mediaTypes[0]!
  let target = op.template
  let body: { contentType: string; body: string } | undefined
  if (endpoint.request) {
    const value = sampleOf(set.of(endpoint.request), set.components)
    const form = 'application/x-www-form-urlencoded'
    if (op.requestIn === 'query') target += `?${requestBody(endpoint.request, value, form)!.body}`
    else body = requestBody(endpoint.request, value, bodyTypeFor(format, requestTypes))
  }
  const head = [`${endpoint.method} ${target} HTTP/1.1`, `Host: ${host}`, `Accept: ${accept}`]
  if (op.security) head.push(CREDENTIALS[op.security])
  if (body) head.push(`Content-Type: ${body.contentType}`, `Content-Length: ${bytes(body.body)}`)
  const request = `${head.join('\n')}\n\n${body?.body ?? ''}`

  const status = `HTTP/1.1 ${op.status} ${REASONS[op.status] ?? ''}`.trimEnd()
  if (!endpoint.response) return { request, response: `${status}\n` }
  const sample = responseBody(op, endpoint.response, responseSample(op, set), accept)!
  // A file to save (the export) is streamed as it is read, under its name, with no length.
  const framing = endpoint.download
    ? [
        `Content-Disposition: ${attachment(endpoint.download, format, new Date(SAMPLE_TIME))}`,
        'Transfer-Encoding: chunked',
      ]
    : [`Content-Length: ${bytes(sample.body)}`]
  const response = [
    status,
    `Content-Type: ${sample.contentType}`,
    ...framing,
    '',
    sample.body,
  ].join('\n')
  return { request, response }
}
