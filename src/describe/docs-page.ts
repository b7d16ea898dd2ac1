/** The files of `swagger-ui-dist` that `/docs` serves, with their Content-Types. */
export const SWAGGER_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

/**
 * Starts Swagger UI on the gateway's own document. A file, not an inline script, so the page's
 * CSP can forbid inline script altogether. No validator badge: it would load an image from
 * swagger.io (and the document is validated in the tests instead).
 */
export const DOCS_INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  })
})
`

/**
 * `/docs`: Swagger UI from the installed package's own files, served by the gateway (no CDN,
 * works offline), pointing at `/openapi.json`.
 */
export const DOCS_HTML =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>API reference · Conneg Gateway</title><link rel="icon" href="data:,">' +
  '<link rel="stylesheet" href="/docs/swagger-ui.css"></head>' +
  '<body><div id="swagger-ui"></div>' +
  '<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script>' +
  '</body></html>'

/**
 * The CSP of `/docs`: scripts and styles only from this origin (Swagger UI sets `style`
 * attributes, hence `'unsafe-inline'` for styles only — never for scripts), its inline SVG
 * icons as `data:` images, and "Try it out" calls to this origin only.
 */
export const DOCS_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'"
