import { connect } from 'node:net'

/**
 * Sends bytes (Latin-1, one byte a character) to a server on 127.0.0.1 over a plain socket, as
 * no HTTP client would send them, and resolves with everything it answers until it closes.
 * Given several pieces, it writes each 50 ms after the last was written, far enough apart that
 * the server reads each alone (as a head that crosses the network in several segments can
 * arrive).
 *
 * @example
 * await rawExchange(port, 'GET / HTTP/1.1\r\n\r\n') // 'HTTP/1.1 400 Bad Request\r\n…'
 * await rawExchange(port, ['GET /aaaa', 'aaaa HTTP/1.1\r\n\r\n'])
 */
export const rawExchange = (port: number, bytes: string | readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const pieces = typeof bytes === 'string' ? [bytes] : bytes
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')))
    socket.on('data', (chunk) => (text += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => resolve(text))
    const write = (i: number) => {
      if (i >= pieces.length || socket.destroyed) return
      socket.write(Buffer.from(pieces[i]!, 'latin1'), () => setTimeout(() => write(i + 1), 50))
    }
    write(0)
  })
