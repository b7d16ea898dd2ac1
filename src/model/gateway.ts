import * as v from 'valibot'
import { named } from './meta.ts'

/** One route of the gateway, as the index lists it. */
export const RouteInfo = named(
  'Route',
  v.object({
    name: v.string(),
    method: v.string(),
    path: v.string(),
    title: v.string(),
  }),
)

export type RouteInfo = v.InferOutput<typeof RouteInfo>

/** `GET /`: what this gateway is and every route it has. */
export const GatewayIndex = named(
  'Gateway',
  v.object({
    name: v.string(),
    formats: v.array(v.string()),
    routes: v.array(RouteInfo),
  }),
)

/** `GET /healthz`. */
export const Health = named(
  'Health',
  v.object({
    status: v.picklist(['ok']),
    database: v.picklist(['ok']),
    time: v.pipe(v.string(), v.isoTimestamp()),
  }),
)
