import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { DocsAssets } from '../../app/types.ts'
import { SWAGGER_FILES } from '../../describe/docs-page.ts'

/**
 * Swagger UI's files read from the installed `swagger-ui-dist` package, found the way Node
 * resolves it, once each. Only the files `/docs` serves can be read: a name from a URL never
 * becomes an arbitrary path.
 *
 * @example
 * createApp({ ...deps, docsAssets: nodeDocsAssets() })
 */
export const nodeDocsAssets = (): DocsAssets => {
  const require = createRequire(import.meta.url)
  const cache = new Map<string, Promise<string>>()
  return {
    read: async (file) => {
      if (!Object.hasOwn(SWAGGER_FILES, file)) return undefined
      let text = cache.get(file)
      if (!text) {
        text = readFile(require.resolve(`swagger-ui-dist/${file}`), 'utf8')
        cache.set(file, text)
      }
      return text
    },
  }
}
