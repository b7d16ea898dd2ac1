import type { Endpoint } from '../app/types.ts'
import { escapeHtml } from '../formats/html-escape.ts'
import { htmlPage } from '../formats/html-page.ts'
import type { Format } from '../formats/types.ts'
import { titleOf } from './named-types.ts'
import { describeEndpoint, type Operation } from './operations.ts'

/**
 * One operation of the metadata pages: as in ServiceStack, named for its request DTO and
 * holding every route that takes that DTO (`POST` and `GET /CognitoSendConfirmCodeRequest`);
 * an endpoint without a request DTO is an operation of its own, under its endpoint name.
 */
export interface MetadataOperation {
  name: string
  operations: Operation[]
}

/**
 * The endpoints grouped into metadata operations, in endpoint order.
 *
 * @example
 * metadataOperations(endpoints).map((o) => o.name)
 * // ['CreateAmazonUser', 'listAmazonUsers', …, 'CognitoSendConfirmCodeRequest', …]
 */
export const metadataOperations = (
  endpoints: readonly Endpoint[],
  aliasesOf?: (path: string) => string[],
): MetadataOperation[] => {
  const groups = new Map<string, MetadataOperation>()
  for (const endpoint of endpoints) {
    const name = (endpoint.request && titleOf(endpoint.request)) || endpoint.name
    const group = groups.get(name) ?? { name, operations: [] }
    group.operations.push(describeEndpoint(endpoint, aliasesOf))
    groups.set(name, group)
  }
  return [...groups.values()]
}

/**
 * The operation `?op=` names: its own name or any of its endpoints' names, in any case.
 *
 * @example
 * findOperation(groups, 'cognitosendconfirmcoderequest')?.name // 'CognitoSendConfirmCodeRequest'
 */
export const findOperation = (
  groups: readonly MetadataOperation[],
  op: string,
): MetadataOperation | undefined => {
  const wanted = op.toLowerCase()
  return groups.find(
    (g) =>
      g.name.toLowerCase() === wanted ||
      g.operations.some((o) => o.endpoint.name.toLowerCase() === wanted),
  )
}

/**
 * The formats an operation answers in (`Endpoint.formats`, or all): the only ones its pages
 * give samples in.
 *
 * @example
 * servedFormats(exportGroup, formats).map((f) => f.key) // ['json', 'hal', 'xml', 'csv']
 */
export const servedFormats = (group: MetadataOperation, formats: readonly Format[]): Format[] => {
  const keys = group.operations[0]!.endpoint.formats
  return formats.filter((f) => !keys || keys.includes(f.key))
}

/**
 * `/metadata`: every operation with its routes and a link to its page in every format it
 * answers in, after ServiceStack's list of operations.
 *
 * @example
 * metadataIndex(metadataOperations(endpoints), formats)
 */
export const metadataIndex = (
  groups: readonly MetadataOperation[],
  formats: readonly Format[],
): string => {
  const head = formats.map((f) => `<th>${f.key.toUpperCase()}</th>`).join('')
  const rows = groups.map((g) => {
    const op = encodeURIComponent(g.name)
    const routes = g.operations
      .map((o) => escapeHtml(`${o.endpoint.method} ${o.template}`))
      .join('<br>')
    const served = servedFormats(g, formats)
    const links = formats
      .map((f) =>
        served.includes(f)
          ? `<td><a href="/${f.key}/metadata?op=${op}">${f.key.toUpperCase()}</a></td>`
          : '<td class="muted">—</td>',
      )
      .join('')
    const title = escapeHtml(g.operations[0]!.endpoint.title)
    return `<tr><th scope="row">${escapeHtml(g.name)}</th><td><code>${routes}</code></td><td>${title}</td>${links}</tr>`
  })
  const body =
    '<p>The following operations are supported. Pick a format for its routes, parameters and a ' +
    'sample HTTP request and response. <a href="/docs">Try them in the API reference</a>, or ' +
    'read the <a href="/openapi.json">OpenAPI document</a>.</p>' +
    `<table><thead><tr><th>Operation</th><th>Routes</th><th>Description</th>${head}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  return htmlPage({ title: 'Operations', body })
}
