import { escapeHtml } from '../formats/html-escape.ts'
import { htmlPage } from '../formats/html-page.ts'
import type { Format } from '../formats/types.ts'
import { CREDENTIALS, httpSample } from './http-samples.ts'
import { dereferenced, type JsonSchema, type SchemaSet } from './json-schemas.ts'
import { type MetadataOperation, servedFormats } from './metadata-operations.ts'
import { type ParameterRow, rowsOf, typeTables, type TypeTable } from './type-tables.ts'

export interface MetadataPageOptions {
  format: Format
  /** Every format, for the links to the same page in the others. */
  formats: readonly Format[]
  requestTypes: readonly string[]
  /** The Host of the sample requests: the one this page was asked on. */
  host: string
}

const table = ({ name, rows }: TypeTable): string => {
  if (rows.length === 0) return ''
  const body = rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.name)}</td><td>${r.parameter}</td><td>${escapeHtml(r.dataType)}</td>` +
        `<td>${r.required ? 'Yes' : 'No'}</td><td>${escapeHtml(r.description)}</td></tr>`,
    )
    .join('')
  return (
    `<h2>${escapeHtml(name)} Parameters:</h2><table><thead><tr><th>Name</th><th>Parameter</th>` +
    `<th>Data Type</th><th>Required</th><th>Description</th></tr></thead><tbody>${body}</tbody></table>`
  )
}

/** The request's table: path parameters, then the DTO's members where they travel, then query. */
const requestTable = (group: MetadataOperation, set: SchemaSet): TypeTable => {
  const [first] = group.operations
  const rows: ParameterRow[] = first!.pathParams.map((name) => ({
    name,
    parameter: 'path',
    dataType: 'string',
    required: true,
    description: '',
  }))
  const request = first!.endpoint.request
  const where = group.operations.some((op) => op.requestIn === 'body') ? 'body' : 'query'
  if (request) rows.push(...rowsOf(set.of(request), set, where))
  for (const op of group.operations) {
    if (op.endpoint.query) rows.push(...rowsOf(set.of(op.endpoint.query), set, 'query'))
  }
  return { name: group.name, rows }
}

/**
 * What the request's schema says of itself, under its table: a rule no row can carry (an
 * email or a phone, either, identifies a contact), where Required: No alone would mislead.
 */
const requestRule = (group: MetadataOperation, set: SchemaSet): string => {
  const request = group.operations[0]!.endpoint.request
  if (!request) return ''
  const schema = set.of(request)
  const description = dereferenced(schema, set)?.description
  return description ? `<p>${escapeHtml(description)}</p>` : ''
}

/**
 * An operation's page, after ServiceStack's `/{format}/metadata?op=Name`: its routes, the
 * parameter tables of its request and of its response and every type that uses, the sentence
 * on choosing the format, and a sample HTTP request and response in that format, whose bodies
 * the real serializers write (a CSV sample is CSV).
 *
 * @example
 * metadataPage(group, set, { format: csv, formats, requestTypes, host: 'localhost:8787' })
 */
export const metadataPage = (
  group: MetadataOperation,
  set: SchemaSet,
  options: MetadataPageOptions,
): string => {
  const { format } = options
  const first = group.operations[0]!
  const label = format.key.toUpperCase()
  const routes = group.operations
    .flatMap((op) => [op.template, ...op.aliases].map((path) => `${op.endpoint.method} ${path}`))
    .map((route) => `<li><code>${escapeHtml(route)}</code></li>`)
  const others = servedFormats(group, options.formats)
    .map(
      (f) =>
        `<a href="/${f.key}/metadata?op=${encodeURIComponent(group.name)}">${f.key.toUpperCase()}</a>`,
    )
    .join(' ')
  const response = first.endpoint.response
  const responseTables = response ? typeTables(set.of(response) as JsonSchema, set, 'form') : []
  const sample = httpSample(first, set, format, options.requestTypes, options.host)
  const key = escapeHtml(format.key)
  const body = [
    '<p><a href="/metadata">&lt;back to all web services</a></p>',
    `<p>${escapeHtml(first.endpoint.title)}</p>`,
    `<nav class="formats"><span class="muted">Samples in:</span> ${others}</nav>`,
    `<h2>The following routes are available for this service:</h2><ul>${routes.join('')}</ul>`,
    first.security
      ? `<p>Requires the header <code>${escapeHtml(CREDENTIALS[first.security])}</code>.</p>`
      : '',
    table(requestTable(group, set)),
    requestRule(group, set),
    ...responseTables.map(table),
    `<p>To override the Content-type in your clients, use the HTTP Accept Header, append the .${key} suffix or ?format=${key}</p>`,
    `<h2>HTTP + ${label}</h2>`,
    '<p>The following are sample HTTP requests and responses. The placeholders shown need to be replaced with actual values.</p>',
    `<pre class="request">${escapeHtml(sample.request)}</pre>`,
    `<pre class="response">${escapeHtml(sample.response)}</pre>`,
  ]
  return htmlPage({ title: group.name, body: body.join('') })
}
