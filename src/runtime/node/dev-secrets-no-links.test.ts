import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { devSecrets } from './dev-secrets.ts'

// A filesystem without hard links (exFAT, some network mounts): `link` fails with EPERM.
vi.mock('node:fs/promises', async (original) => ({
  ...(await original<typeof import('node:fs/promises')>()),
  link: async () => {
    throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' })
  },
}))

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('devSecrets on a filesystem without hard links', () => {
  it('still writes the secrets once (mode 0600) and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-dev-secrets-'))
    dirs.push(dir)
    const first = await devSecrets(dir)
    expect(first.created).toBe(true)
    expect((await stat(first.file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(first.file, 'utf8'))).toEqual(first.values)
    expect(await devSecrets(dir)).toEqual({ ...first, created: false })
  })
})
