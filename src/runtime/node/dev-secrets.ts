import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { toBase64Url } from '../../crypto/encoding.ts'

const random = (bytes: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))

const generate = (): Record<string, string> => ({
  API_KEYS: `ck_${random(24)}`,
  ORG_TOKENS: `org_${random(24)}`,
  TOKEN_SECRET: random(48),
  ENCRYPTION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
})

/**
 * Development secrets for `npm start` with nothing configured: generated once, kept (mode 0600)
 * in the data folder, reused on every later start so stored tokens stay readable. Never used
 * when NODE_ENV=production.
 *
 * @example
 * const { values, created } = await devSecrets('.data')
 */
export const devSecrets = async (
  dataDir: string,
): Promise<{ values: Record<string, string>; file: string; created: boolean }> => {
  const file = join(dataDir, 'dev-secrets.json')
  try {
    return { values: JSON.parse(await readFile(file, 'utf8')), file, created: false }
  } catch {
    await mkdir(dataDir, { recursive: true })
    const values = generate()
    await writeFile(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 })
    await chmod(file, 0o600)
    return { values, file, created: true }
  }
}

/** Generated values in the `.dev.vars` format wrangler reads. */
export const toDevVars = (values: Record<string, string>): string =>
  `${Object.entries(values)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n')}\n`
