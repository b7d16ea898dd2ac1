import type { ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

/**
 * The response a connection is answering now, or undefined between responses. Node keeps it
 * only as the socket's private `_httpMessage`; every reader of it goes through here.
 *
 * @example
 * responseOn(socket)?.headersSent // false while the app still computes its answer
 */
export const responseOn = (socket: Duplex): ServerResponse | undefined =>
  (socket as { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined
