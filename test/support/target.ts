import type { AppDeps } from '../../src/app/types.ts'
import type { memoryLogger, memorySender, testClock } from './deterministic.ts'

/** One runtime under test: an app over that runtime's storage, with deterministic deps. */
export interface Target {
  runtime: 'node' | 'workers'
  request(path: string, init?: RequestInit): Promise<Response>
  clock: ReturnType<typeof testClock>
  logger: ReturnType<typeof memoryLogger>
  /** What the code sender delivered (ServiceStack confirmation codes). */
  codeSender: ReturnType<typeof memorySender>
  /** Raw SQL on the runtime's database, to check what is (not) stored. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>
}

export type MakeTarget = (overrides?: Partial<AppDeps>) => Promise<Target>
