import fc from 'fast-check'

// The seed `vitest.config.ts` chose for this run (FC_SEED, or CI's fixed one), if any. In
// workerd it arrives as a binding, which `nodejs_compat` puts in `process.env`.
const seed = process.env.FC_SEED
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) })
