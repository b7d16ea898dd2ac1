import type { AppDeps, Logger } from '../../src/app/types.ts'
import { parseSecrets } from '../../src/config/secrets.ts'
import type { Store } from '../../src/store/index.ts'

/** Fixed test secrets: never used outside tests. */
export const TEST_ENV = {
  API_KEYS: 'test-api-key-0123456789abcdef,second-key-0123456789abcdef',
  ORG_TOKENS: 'test-org-token-0123456789abcdef',
  TOKEN_SECRET: 'test-token-secret-0123456789abcdef0123456789',
  ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
}

export const API_KEY = 'test-api-key-0123456789abcdef'

/** A clock that stands still until a test moves it. */
export const testClock = (start = '2026-01-02T03:04:05.000Z') => {
  let now = new Date(start).getTime()
  const clock = () => new Date(now)
  clock.advance = (ms: number) => {
    now += ms
  }
  return clock
}

/** Ids 000000000000000000000001, …2, …: readable and stable across runs. */
export const seededIds = (prefix = '') => {
  let n = 0
  return () => `${prefix}${(++n).toString(16).padStart(24 - prefix.length, '0')}`
}

/** A logger that keeps every line, so tests can read (and grep) what was logged. */
export const memoryLogger = () => {
  const lines: string[] = []
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      lines.push(JSON.stringify({ level, message, ...fields }))
    }
  const logger: Logger & { lines: string[] } = {
    lines,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  }
  return logger
}

/** A code sender that keeps what it sent, so tests read the code like a user reads mail. */
export const memorySender = () => {
  const sent: { email: string; code: string }[] = []
  return {
    sent,
    send: async (email: string, code: string) => {
      sent.push({ email, code })
    },
    /** The last code sent to an address. */
    last: (email: string) => sent.filter((s) => s.email === email).at(-1)?.code,
  }
}

/** Deterministic dependencies around a store. */
export const testDeps = (store: Store, overrides: Partial<AppDeps> = {}) => {
  const clock = testClock()
  const logger = memoryLogger()
  const traceIds = seededIds()
  const codeSender = memorySender()
  const deps: AppDeps = {
    store,
    secrets: parseSecrets(TEST_ENV),
    clock,
    // Measured durations follow the test clock: zero unless a test advances it.
    timer: () => clock().getTime(),
    newId: seededIds(),
    newTraceId: () => `api--trace-${traceIds()}`,
    logger,
    codeSender,
    ...overrides,
  }
  return { deps, clock, logger, codeSender }
}
