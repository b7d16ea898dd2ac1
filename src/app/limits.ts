import type { Limits } from './types.ts'

/** The limits a gateway enforces unless its dependencies set others (`AppDeps.limits`). */
export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 1024 * 1024,
  maxDepth: 32,
  maxNodes: 10_000,
  headerBytes: 4 * 1024,
  authFailures: 10,
  authFailureWindowSeconds: 5 * 60,
}
