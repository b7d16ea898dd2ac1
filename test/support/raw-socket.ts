import { connect } from 'node:net'

/**
 * Sends bytes (Latin-1, one byte a character) to a server on 127.0.0.1 over a plain socket, as
 * no HTTP client would send them, and resolves with everything it answers until it closes.
 *
 * @example
 * await rawExchange(port, 'GET / HTTP/1.1\r\n\r\n') // 'HTTP/1.1 400 Bad Request\r\n…'
 */
export const rawExchange = (port: number, bytes: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')))
    socket.on('data', (chunk) => (text += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => resolve(text))
    socket.write(Buffer.from(bytes, 'latin1'))
  })
