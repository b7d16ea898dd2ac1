import type { Endpoint } from '../../app/types.ts'
import { DOCS_HTML, DOCS_INIT_JS, DOCS_POLICY, SWAGGER_FILES } from '../../describe/docs-page.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { servedOnlyAs } from '../../middleware/negotiate.ts'
import { send } from '../../middleware/response-headers.ts'

const CACHE = { 'Cache-Control': 'public, max-age=3600' }

/**
 * `GET /docs`: Swagger UI on `/openapi.json`, its files from the runtime's `docsAssets` (Node
 * reads the installed package, Workers bundles it). The page gets its own CSP, which lets
 * Swagger UI's scripts run from this origin. The page is HTML and each file its own type: a
 * URL that names another format (`/docs.json`) is a 406.
 *
 * @example
 * for (const page of docsPages()) app.get(page.path, page.handler)
 */
export const docsPages = (): Endpoint[] => [
  {
    method: 'GET',
    path: '/docs',
    name: 'docs',
    title: 'Interactive API reference (Swagger UI)',
    indexedAs: { rel: 'service-doc' },
    store: false,
    handler: (c) => {
      servedOnlyAs(c, 'text/html', 'html')
      c.set('pagePolicy', DOCS_POLICY)
      return send(c, DOCS_HTML, 200, { 'Content-Type': 'text/html; charset=utf-8' })
    },
  },
  {
    method: 'GET',
    path: '/docs/:file',
    name: 'docsAsset',
    title: "Swagger UI's files",
    store: false,
    handler: async (c) => {
      const file = c.req.param('file')!
      if (file === 'init.js') {
        servedOnlyAs(c, 'text/javascript')
        return send(c, DOCS_INIT_JS, 200, {
          'Content-Type': SWAGGER_FILES['swagger-ui-bundle.js']!,
          ...CACHE,
        })
      }
      const assets = c.get('deps').docsAssets
      if (!assets) {
        throw new ProblemError('routeNotFound', 'This runtime was given no Swagger UI files.')
      }
      const type = Object.hasOwn(SWAGGER_FILES, file) ? SWAGGER_FILES[file] : undefined
      const text = type ? await assets.read(file) : undefined
      if (!type || text === undefined) {
        throw new ProblemError('routeNotFound', `There is no file "${file}" under /docs.`)
      }
      servedOnlyAs(c, type.split(';', 1)[0]!)
      return send(c, text, 200, { 'Content-Type': type, ...CACHE })
    },
  },
]
