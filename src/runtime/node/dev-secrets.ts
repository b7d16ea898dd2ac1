import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { toBase64Url } from '../../crypto/encoding.ts'

const random = (bytes: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))

const generate = (): Record<string, string> => ({
  API_KEYS: `ck_${random(24)}`,
  ORG_TOKENS: `org_${random(24)}`,
  TOKEN_SECRET: random(48),
  ENCRYPTION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
})

const codeOf = (error: unknown) => (error as { code?: unknown }).code

/** The file's values, or undefined when there is no file; anything unreadable throws. */
const read = async (file: string): Promise<Record<string, string> | undefined> => {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  let values: unknown
  try {
    values = JSON.parse(text)
  } catch {
    values = undefined
  }
  if (
    typeof values !== 'object' ||
    values === null ||
    Array.isArray(values) ||
    !Object.values(values).every((v) => typeof v === 'string')
  )
    // Replacing it would make every stored token and ciphertext unreadable without a word.
    throw new Error(
      `${file} is not a JSON object of development secrets: repair it, or delete it to ` +
        'generate new ones (tokens and Alexa tokens stored under the old ones are then lost)',
    )
  return values as Record<string, string>
}

// What `link` fails with on a filesystem that has no hard links.
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

/**
 * Development secrets for `npm start` with nothing configured: generated once, kept (mode 0600)
 * in the data folder, reused on every later start so stored tokens stay readable. Never used
 * when NODE_ENV=production. A file that cannot be read as such is an error, never replaced;
 * two gateways starting at once on a new folder keep the same secrets (the file appears
 * whole, once).
 *
 * @example
 * const { values, created } = await devSecrets('.data')
 */
export const devSecrets = async (
  dataDir: string,
): Promise<{ values: Record<string, string>; file: string; created: boolean }> => {
  const file = join(dataDir, 'dev-secrets.json')
  const found = await read(file)
  if (found) return { values: found, file, created: false }
  const values = generate()
  const draft = `${file}.${random(6)}.tmp`
  try {
    await mkdir(dataDir, { recursive: true })
    await writeFile(draft, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 })
    await chmod(draft, 0o600)
    // A link never replaces a file: a gateway that lost the race reads the winner's. Where
    // the filesystem has no hard links (exFAT, some network mounts), an exclusive create
    // does the same, though a racing reader could then meet the file half written.
    await link(draft, file).catch(async (error: unknown) => {
      if (!NO_LINKS.has(String(codeOf(error)))) throw error
      await writeFile(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    })
  } catch (error) {
    if (codeOf(error) !== 'EEXIST')
      throw new Error(`cannot write ${file}: ${(error as Error).message}`, { cause: error })
    return { values: (await read(file))!, file, created: false }
  } finally {
    await rm(draft, { force: true })
  }
  return { values, file, created: true }
}

/** Generated values in the `.dev.vars` format wrangler reads. */
export const toDevVars = (values: Record<string, string>): string =>
  `${Object.entries(values)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n')}\n`
