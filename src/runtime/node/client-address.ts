import { getConnInfo } from '@hono/node-server/conninfo'
import { type ClientAddress, forwardedFor } from '../../helper/client-address.ts'

/** The TCP peer of the request; undefined outside `@hono/node-server` (e.g. `app.request`). */
export const socketAddress: ClientAddress = (c) => {
  // No server bindings (`app.request`): no socket to ask. Answered before `getConnInfo` throws,
  // as a thrown TypeError (its stack captured) costs more than the rest of a request.
  const bindings = c.env as { incoming?: unknown; server?: unknown } | undefined
  if (!bindings?.incoming && !bindings?.server) return undefined
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}

/**
 * Node's client address: the socket peer, or — only when the server sits behind
 * `trustProxyHops` reverse proxies (TRUST_PROXY_HOPS) — the address the outermost of them put
 * in `X-Forwarded-For`. `CF-Connecting-IP` is never read here: on Node anyone can send it.
 *
 * @example
 * nodeClientAddress(0) // socket peer only
 * nodeClientAddress(1) // one proxy (nginx, a load balancer) in front
 */
export const nodeClientAddress = (trustProxyHops: number): ClientAddress =>
  trustProxyHops > 0 ? forwardedFor(trustProxyHops, socketAddress) : socketAddress
