// Text modules: wrangler.toml's `[[rules]] type = "Text"` makes these imports the files' text,
// in `wrangler dev`/`deploy` (esbuild) and in the vitest workers project alike.
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js'
import css from 'swagger-ui-dist/swagger-ui.css'
import type { DocsAssets } from '../../app/types.ts'

const files: Readonly<Record<string, string>> = {
  'swagger-ui.css': css,
  'swagger-ui-bundle.js': bundle,
}

/**
 * Swagger UI's files bundled into the Worker (a Worker has no `node_modules` to read).
 *
 * @example
 * createApp({ ...deps, docsAssets: workersDocsAssets })
 */
export const workersDocsAssets: DocsAssets = {
  read: async (file) => (Object.hasOwn(files, file) ? files[file] : undefined),
}
