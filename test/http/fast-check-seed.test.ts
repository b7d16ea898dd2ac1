import fc from 'fast-check'
import { describe, expect, inject, it } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    fcSeed: string | undefined
  }
}

describe('property tests', () => {
  // The seed reaches each runtime by its own way (an environment variable on Node, a binding
  // in workerd) and `inject` by vitest's: without the setup file, or without the binding,
  // workerd's property tests ran unseeded under CI and ignored FC_SEED.
  it('replay the seed the run was given (CI or FC_SEED) on this runtime too', () => {
    const seed = inject('fcSeed')
    expect(fc.readConfigureGlobal().seed).toBe(seed === undefined ? undefined : Number(seed))
  })
})
