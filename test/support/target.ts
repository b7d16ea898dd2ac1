import type { ExecutionContext } from 'hono'
import { createApp } from '../../src/app/create-app.ts'
import type { AppDeps } from '../../src/app/types.ts'
import { createStore, type SqlDatabase } from '../../src/store/index.ts'
import { type memoryLogger, type memorySender, type testClock, testDeps } from './deterministic.ts'

/** One runtime under test: an app over that runtime's storage, with deterministic deps. */
export interface Target {
  runtime: 'node' | 'workers'
  /** A request to the app; `executionCtx` as a Worker's invocation has one. */
  request(path: string, init?: RequestInit, executionCtx?: ExecutionContext): Promise<Response>
  clock: ReturnType<typeof testClock>
  logger: ReturnType<typeof memoryLogger>
  /** What the code sender delivered (ServiceStack confirmation codes). */
  codeSender: ReturnType<typeof memorySender>
  /** Raw SQL on the runtime's database, to check what is (not) stored. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>
}

export type MakeTarget = (overrides?: Partial<AppDeps>) => Promise<Target>

/** A target over a database without the latest migration, and the way to apply them. */
export interface UnmigratedTarget extends Target {
  /** Applies every migration the database lacks, as a deploy would (the app keeps running). */
  migrate(): Promise<void>
}

/** `none`: a database never migrated; `allButLast`: one migration behind the code. */
export type MakeUnmigratedTarget = (
  applied: 'none' | 'allButLast',
  overrides?: Partial<AppDeps>,
) => Promise<UnmigratedTarget>

/** A target over a migrated database: the app with deterministic deps around its store. */
export const targetOver = (
  runtime: Target['runtime'],
  db: SqlDatabase,
  overrides: Partial<AppDeps>,
): Target => {
  const { deps, clock, logger, codeSender } = testDeps(createStore(db), overrides)
  const app = createApp(deps)
  return {
    runtime,
    request: async (path, init, executionCtx) => app.request(path, init, undefined, executionCtx),
    clock,
    logger,
    codeSender,
    query: (sql) => db.all(sql),
  }
}
