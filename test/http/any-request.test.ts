import { makeTarget } from '#target'
import { describe, it } from 'vitest'
import { assertAnyRequest } from '../support/any-request.ts'

describe('any request', () => {
  it('gets an answer below 500 in the format it names, changes nothing when refused, and never shows a secret', async () => {
    // No failure budget: wrong credentials must not turn every later request into a 429.
    const t = await makeTarget({ limits: { authFailures: Number.MAX_SAFE_INTEGER } })
    await assertAnyRequest(t, 1000)
    // About a second on Node, a few in workerd.
  }, 30_000)
})
