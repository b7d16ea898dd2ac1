import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { devSecrets } from './dev-secrets.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-dev-secrets-'))
  dirs.push(dir)
  return dir
}

describe('devSecrets', () => {
  it('generates secrets once (mode 0600) and reads the same ones on every later start', async () => {
    const dir = join(await tempDir(), 'data')
    const first = await devSecrets(dir)
    expect(first.created).toBe(true)
    expect(Object.keys(first.values)).toEqual([
      'API_KEYS',
      'ORG_TOKENS',
      'TOKEN_SECRET',
      'ENCRYPTION_KEY',
    ])
    expect((await stat(first.file)).mode & 0o777).toBe(0o600)
    expect(await devSecrets(dir)).toEqual({ ...first, created: false })
  })

  it('gives two starts at once on a new folder the same secrets', async () => {
    const dir = await tempDir()
    const starts = await Promise.all(Array.from({ length: 4 }, () => devSecrets(dir)))
    expect(starts.filter((s) => s.created)).toHaveLength(1)
    for (const start of starts) expect(start.values).toEqual(starts[0]!.values)
  })

  it.each(['{"API_KEYS": "ck_', '', '[]', 'null', '{"API_KEYS": 1}'])(
    'refuses a damaged file (%j) and leaves it as it was',
    async (text) => {
      const dir = await tempDir()
      const file = join(dir, 'dev-secrets.json')
      await writeFile(file, text)
      await expect(devSecrets(dir)).rejects.toThrow(
        `${file} is not a JSON object of development secrets: repair it, or delete it`,
      )
      expect(await readFile(file, 'utf8')).toBe(text)
    },
  )

  it('says which file it cannot use, and why', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'a-file'), '')
    const inFile = join(dir, 'a-file', 'data')
    await expect(devSecrets(inFile)).rejects.toThrow(
      `cannot read ${join(inFile, 'dev-secrets.json')}: ENOTDIR`,
    )
  })
})
