import fc from 'fast-check'

// Property tests explore new inputs on every local run; CI replays one fixed seed (or FC_SEED)
// so a landing never depends on the luck of the draw. A failure prints its seed to replay it.
const seed = process.env.FC_SEED ?? (process.env.CI ? '20261123' : undefined)
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) })
