import type { Context } from 'hono'
import type { AppEnv } from '../app/types.ts'
import type { Secrets } from '../config/secrets.ts'
import { ProblemError } from '../problems/problem-error.ts'

/**
 * The configured secrets, or a 500 "not configured" problem: the gateway never falls back to
 * guessable values. The log names the missing variables; the response does not.
 */
export const requireSecrets = (c: Context<AppEnv>): Secrets => {
  const result = c.get('deps').secrets
  if (result.ok) return result.secrets
  c.get('deps').logger.error('refusing to serve: secrets or settings missing or invalid', {
    traceId: c.get('traceId'),
    problems: result.problems,
  })
  throw new ProblemError('notConfigured', 'The gateway is not configured. See its logs.')
}
