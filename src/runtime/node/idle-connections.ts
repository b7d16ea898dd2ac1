import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { responseOn } from './response-on.ts'

/**
 * Makes `server.closeIdleConnections` (which `server.close` calls, and a stopping gateway
 * calls every 50 ms) close only the connections with nothing left to do on them. Node's own
 * takes a response as done once `end()` was called, while most of it may still wait in the
 * server for a client that reads slowly: it closed that connection and cut the body short
 * (a large page, Swagger UI's bundle, answers queued behind one on a keep-alive connection).
 * And it never closes one on which no request was sent (a browser's preconnect), which then
 * held the stop up for its whole grace period.
 *
 * Here a connection is closed when no response is on it (one is until all of it has gone to
 * the kernel), nothing else waits to be written to it, and nothing arrived on it since the
 * call before: a request head still arriving keeps it open, one stopped mid-way does not.
 *
 * @example
 * closeOnlyIdleConnections(server)
 * server.close() // then server.closeIdleConnections() until it has closed
 */
export const closeOnlyIdleConnections = (server: Server): void => {
  const sockets = new Set<Socket>()
  // What each connection had read at the last call that found it without a response.
  const readBefore = new WeakMap<Socket, number>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.closeIdleConnections = () => {
    for (const socket of sockets) {
      if (responseOn(socket) || socket.writableLength > 0) continue
      const read = socket.bytesRead
      if (readBefore.get(socket) === read) socket.destroy()
      else readBefore.set(socket, read)
    }
  }
}
