import { describe, expect, it } from 'vitest'
import { DOCUMENTATION_PATHS } from '../src/apis/gateway/documentation.ts'
import { indexPage } from '../src/apis/gateway/index-page.ts'
import { createApp, endpoints } from '../src/app/create-app.ts'
import { describeEndpoint } from '../src/describe/operations.ts'
import { cases } from './fixtures/cases.ts'
import { VARIANTS } from './fixtures/types.ts'
import { caseDir, variantsOf } from './fixtures/wire.ts'

const heads = import.meta.glob<string>('../fixtures/*/*/*.http', {
  query: '?raw',
  import: 'default',
  eager: true,
})

/** The statuses recorded for an operation, one per recorded response. */
const recordedStatuses = (operation: string): number[] =>
  cases
    .filter((c) => c.operation === operation)
    .flatMap((c) => variantsOf(c).map((v) => heads[`../${caseDir(c)}/${v}.http`] ?? ''))
    .map((head) => Number(head.slice(9, 12)))

/** The operations the app really routes, read from Hono's route table. */
const routedOperations = (): string[] => {
  const app = createApp({} as never)
  const names = new Set<string>()
  const all = [{ name: 'index', method: 'GET', path: '/' }, ...endpoints]
  for (const route of app.routes) {
    // The pages describing the API have one media type each: not operations to record.
    if (route.method === 'ALL' || DOCUMENTATION_PATHS.includes(route.path)) continue
    const endpoint = all.find(
      (e) => e.method === route.method && (route.path === e.path || route.path === `/new${e.path}`),
    )
    expect(endpoint, `${route.method} ${route.path} has an Endpoint`).toBeDefined()
    names.add(endpoint!.name)
  }
  return [...names]
}

describe('fixture coverage', () => {
  it('has a fixture for every routed operation in every media type', () => {
    const operations = routedOperations()
    expect(operations.length).toBeGreaterThanOrEqual(endpoints.length)
    for (const operation of operations) {
      const recorded = new Set(
        cases.filter((c) => c.operation === operation).flatMap((c) => variantsOf(c)),
      )
      for (const variant of Object.keys(VARIANTS)) {
        expect(recorded.has(variant as never), `${operation} × ${variant}`).toBe(true)
      }
    }
  })

  it('records an error outcome for every operation that takes input', async () => {
    for (const e of endpoints.filter((e) => e.middleware?.length || e.path.includes(':'))) {
      expect(
        recordedStatuses(e.name).some((s) => s >= 400),
        `${e.name} has an error fixture`,
      ).toBe(true)
    }
  })

  it('records every success under the status the operation declares, and documents', () => {
    // The handler answers and the fixtures record what it does; OpenAPI and the metadata
    // pages say `Endpoint.status` (200 by default, 204 without a response schema).
    for (const e of [indexPage(endpoints), ...endpoints]) {
      const successes = recordedStatuses(e.name).filter((s) => s >= 200 && s < 300)
      expect(successes.length, `${e.name} has a success fixture`).toBeGreaterThan(0)
      for (const status of successes)
        expect(status, `${e.name}: recorded, and declared`).toBe(describeEndpoint(e).status)
    }
  })

  it('has recorded every case (run npm run fixtures:update after adding one)', () => {
    for (const c of cases) {
      for (const v of variantsOf(c)) {
        expect(heads[`../${caseDir(c)}/${v}.http`], `${caseDir(c)}/${v}.http`).toBeDefined()
      }
    }
  })
})
