import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { cases } from '../fixtures/cases.ts'
import type { FixtureRequest } from '../fixtures/types.ts'
import type { Target } from '../support/target.ts'
import {
  bodyExtension,
  caseDir,
  requestOf,
  requestText,
  responseHead,
  variantsOf,
} from '../fixtures/wire.ts'

// Every recorded fixture, bundled by Vite so the same runner works inside workerd, which has
// no file system.
const recorded = import.meta.glob<string>('../../fixtures/*/*/*', {
  query: '?raw',
  import: 'default',
  eager: true,
})
const read = (path: string) => recorded[`../../${path}`]
const updating = process.env.FIXTURES_UPDATE === '1'

const write = async (path: string, text: string) => {
  const fs = await import('node:fs/promises')
  const { dirname } = await import('node:path')
  await fs.mkdir(dirname(path), { recursive: true })
  await fs.writeFile(path, text)
}

/** Fills `{{code}}` with the last confirmation code the sender delivered. */
const fill = (r: FixtureRequest, t: Target): FixtureRequest => {
  const code = t.codeSender.sent.at(-1)?.code ?? '{{code}}'
  const sub = (text: string) => text.replaceAll('{{code}}', code)
  return { ...r, path: sub(r.path), ...(r.body === undefined ? {} : { body: sub(r.body) }) }
}

describe('fixtures: every operation × media type × outcome, byte for byte', () => {
  for (const c of cases) {
    for (const variant of variantsOf(c)) {
      it(`${c.operation}/${c.name}/${variant}`, async () => {
        const t = await makeTarget()
        for (const step of c.setup ?? []) {
          const setup = fill(step, t)
          const res = await t.request(setup.path, setup)
          expect(res.status, `setup ${setup.method} ${setup.path}`).toBeLessThan(300)
        }
        const request = fill(requestOf(c, variant), t)
        const res = await t.request(request.path, request)
        const head = responseHead(res)
        const body = await res.text()
        const dir = caseDir(c)
        const bodyFile = `${dir}/${variant}.${bodyExtension(res.headers.get('content-type'))}`
        if (updating) {
          if (t.runtime !== 'node') return
          await write(`${dir}/request.http`, requestText(c.request))
          await write(`${dir}/${variant}.http`, head)
          await write(bodyFile, body)
          return
        }
        expect(head, `${dir}/${variant}.http`).toBe(read(`${dir}/${variant}.http`))
        expect(body, bodyFile).toBe(read(bodyFile))
      })
    }
  }
})
