import type { Endpoint } from '../../app/types.ts'
import { bodyParsers } from '../../formats/body-parsers.ts'
import { type SchemaSet, schemaSet } from '../../describe/json-schemas.ts'
import {
  findOperation,
  metadataIndex,
  metadataOperations,
  type MetadataOperation,
  servedFormats,
} from '../../describe/metadata-operations.ts'
import { metadataPage } from '../../describe/metadata-page.ts'
import { formatByKey, formats } from '../../formats/registry.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { servedOnlyAs } from '../../middleware/negotiate.ts'
import { send } from '../../middleware/response-headers.ts'

const HTML = { 'Content-Type': 'text/html; charset=utf-8' }

/**
 * ServiceStack's metadata pages, always HTML: `GET /metadata` lists the operations,
 * `GET /metadata?op=Name` and `GET /{format}/metadata?op=Name` show one with its samples in
 * that format (JSON by default). An unknown format is no route; an unknown operation a 404.
 * The `{format}` segment chooses the samples, not the page's: a format marker in the URL
 * (`/metadata.xml`, `?format=csv`) that is not HTML is a 406.
 *
 * @example
 * for (const page of metadataPages(endpoints, aliases)) app.get(page.path, page.handler)
 */
export const metadataPages = (
  endpoints: readonly Endpoint[],
  aliasesOf: (path: string) => string[],
): Endpoint[] => {
  // Built on first use: every app (and every test's) would otherwise convert every schema.
  let described: { groups: MetadataOperation[]; set: SchemaSet } | undefined
  const describe = () =>
    (described ??= {
      groups: metadataOperations(endpoints, aliasesOf),
      set: schemaSet(
        endpoints.flatMap((e) => [e.request, e.response, e.query]).filter((s) => s !== undefined),
      ),
    })
  const requestTypes = Object.keys(bodyParsers)
  const handler: Endpoint['handler'] = (c) => {
    const { groups, set } = describe()
    const key = c.req.param('format') ?? 'json'
    const format = formatByKey(key)
    if (!format) throw new ProblemError('routeNotFound', `There is no format "${key}".`)
    const op = c.req.query('op')
    if (!op) {
      servedOnlyAs(c, 'text/html', 'html')
      return send(c, metadataIndex(groups, formats), 200, HTML)
    }
    const group = findOperation(groups, op)
    if (!group) throw new ProblemError('notFound', `There is no operation "${op}".`)
    if (!servedFormats(group, formats).includes(format))
      throw new ProblemError('notFound', `The operation "${op}" does not answer in ${key}.`)
    servedOnlyAs(c, 'text/html', 'html')
    const host = new URL(c.req.url).host
    return send(c, metadataPage(group, set, { format, formats, requestTypes, host }), 200, HTML)
  }
  const page = { method: 'GET', name: 'metadata', store: false, handler } as const
  return [
    // Not `service-doc` too: that is /docs, and a relation names one link here (`Links`).
    {
      ...page,
      path: '/metadata',
      title: 'The operations, ServiceStack style',
      indexedAs: { rel: 'metadata' },
    },
    { ...page, path: '/:format/metadata', title: 'One operation with samples in a format' },
  ]
}
