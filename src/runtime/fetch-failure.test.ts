import { describe, expect, it } from 'vitest'
import { neverSent, reasonOf } from './fetch-failure.ts'

// As Node's fetch rejects: a TypeError whose cause is the socket's, DNS's or TLS's error.
const node = (cause: object) => new TypeError('fetch failed', { cause })

describe('a rejected fetch', () => {
  it.each([
    // Lookup and connection: nothing exists yet to send on.
    [{ code: 'ENOTFOUND', syscall: 'getaddrinfo' }, 'ENOTFOUND'],
    [{ code: 'EAI_AGAIN', syscall: 'getaddrinfo' }, 'EAI_AGAIN'],
    [{ code: 'ECONNREFUSED', syscall: 'connect' }, 'ECONNREFUSED'],
    [{ code: 'EHOSTUNREACH', syscall: 'connect' }, 'EHOSTUNREACH'],
    [{ code: 'ECONNRESET', syscall: 'connect' }, 'ECONNRESET'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'UND_ERR_CONNECT_TIMEOUT'],
    // The TLS handshake: the request is written only once it succeeded.
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    [{ code: 'UNABLE_TO_GET_ISSUER_CERT' }, 'UNABLE_TO_GET_ISSUER_CERT'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'CERT_HAS_EXPIRED'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'ERR_TLS_CERT_ALTNAME_INVALID'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'ERR_SSL_WRONG_VERSION_NUMBER'],
    [{ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' }, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'],
    [{ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' }, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'],
    [
      {
        code: 'ECONNRESET',
        message: 'Client network socket disconnected before secure TLS connection was established',
      },
      'ECONNRESET',
    ],
  ])('surely sent nothing when it failed with %j', (cause, reason) => {
    expect(reasonOf(node(cause))).toBe(reason)
    expect(neverSent(node(cause))).toBe(true)
  })

  it.each([
    // Once connected, the request may have been written and read.
    [{ code: 'ECONNRESET', syscall: 'read', message: 'read ECONNRESET' }],
    [{ code: 'EHOSTUNREACH', syscall: 'write' }],
    [{ code: 'EPIPE', syscall: 'write' }],
    [{ code: 'UND_ERR_SOCKET', message: 'other side closed' }],
    [{ code: 'HPE_INVALID_CONSTANT' }],
    // TLS record errors can break a connection after the request too.
    [{ code: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' }],
    [{ code: 'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC' }],
    [{ code: 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING' }],
    [{ code: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR' }],
  ])('may have sent the request when it failed with %j', (cause) => {
    expect(neverSent(node(cause))).toBe(false)
  })

  it('surely sent nothing when every address of the host refused', () => {
    // Node tries each address (IPv6 and IPv4) and rejects with all their errors.
    const refused = { code: 'ECONNREFUSED', syscall: 'connect' }
    const all = Object.assign(new AggregateError([refused, refused]), { code: 'ECONNREFUSED' })
    expect(neverSent(node(all))).toBe(true)
    const one = Object.assign(new AggregateError([refused, { code: 'ECONNRESET' }]), {
      code: 'ECONNREFUSED',
    })
    expect(neverSent(node(one))).toBe(false)
  })

  it('reads the innermost named cause of a wrapped error', () => {
    const wrapped = node({ code: 'UND_ERR_X', cause: { code: 'CERT_HAS_EXPIRED' } })
    expect(reasonOf(wrapped)).toBe('CERT_HAS_EXPIRED')
    expect(neverSent(wrapped)).toBe(true)
  })

  it.each([
    // workerd: a refused connection, and one lost after the request, both read so.
    [Object.assign(new Error('Network connection lost.'), { remote: true, retryable: true })],
    // workerd: a failed TLS handshake or name lookup, and any other internal failure.
    [
      Object.assign(new Error('internal error; reference = 838noo92pik8uk76gqm7on1g'), {
        remote: true,
      }),
    ],
    [new TypeError('fetch failed')],
    [new TypeError('fetch failed', { cause: { code: 'not a code' } })],
  ])('counts as possibly sent when the runtime names no reason (%#)', (error) => {
    expect(reasonOf(error)).toBeUndefined()
    expect(neverSent(error)).toBe(false)
  })

  it('follows a cause chain that loops without hanging', () => {
    const a: { code: string; cause?: unknown } = { code: 'ECONNREFUSED' }
    a.cause = a
    expect(neverSent(node(a))).toBe(true)
  })
})
