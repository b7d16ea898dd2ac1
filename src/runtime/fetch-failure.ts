/**
 * What a rejected `fetch` tells about its request: why it failed, as the runtime names it, and
 * whether the request surely never left. Only Node says enough for the second: its `fetch`
 * (undici) rejects with a `TypeError` whose `cause` is the socket's, DNS's or TLS's own error.
 * workerd rejects with a bare `Error` ("Network connection lost.", "internal error; reference
 * = …") that reads the same for a refused connection as for one lost after the request went
 * out, so there nothing counts as never sent.
 */

// Failures of the name lookup, the TCP connection and certificate checks: each comes before
// the first byte of a request. The certificate codes are OpenSSL's, as Node names them.
const BEFORE_REQUEST = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
  'ERR_TLS_DH_PARAM_SIZE',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
])

// OpenSSL's own errors (`ERR_SSL_WRONG_VERSION_NUMBER`: an https URL on a plain-HTTP port,
// `ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION`, …) end a handshake, except those of the record
// layer, which can also break a connection after the request was written.
const SSL_ERROR = /^ERR_SSL_[A-Z\d_]+$/
const RECORD_LAYER = new RegExp(
  [
    'RECORD_MAC',
    'DECRYPTION_FAILED',
    'RECORD_OVERFLOW',
    'LENGTH',
    'EOF',
    'CLOSE_NOTIFY',
    'INTERNAL_ERROR',
    'UNEXPECTED_MESSAGE',
    'UNEXPECTED_RECORD',
    'KEY_UPDATE',
    'RENEGOTIAT',
    'USER_CANCELLED',
  ].join('|'),
)

// Node's words for a server that hung up during the handshake: no request byte is written
// before the handshake ends. Any other ECONNRESET may come after the request.
const HANDSHAKE_RESET = 'Client network socket disconnected before secure TLS connection'

interface NodeError {
  code?: unknown
  syscall?: unknown
  message?: unknown
  errors?: unknown
  cause?: unknown
}

/**
 * The error a failure comes down to: the innermost of the cause chain that names a code.
 * Bounded, as a chain may loop.
 */
const rootOf = (error: unknown): NodeError | undefined => {
  let root: NodeError | undefined
  let e = error as NodeError | undefined
  for (let depth = 0; depth < 8 && e !== null && typeof e === 'object'; depth++) {
    if (typeof e.code === 'string') root = e
    e = e.cause as NodeError | undefined
  }
  return root
}

const isNeverSent = (e: NodeError, depth = 0): boolean => {
  // Node tries each address of a host in turn and, when all fail, rejects with all their
  // errors: nothing was sent if nothing was sent to any of them.
  if (Array.isArray(e.errors) && e.errors.length > 0 && depth < 2)
    return e.errors.every(
      (inner: unknown) =>
        typeof inner === 'object' && inner !== null && isNeverSent(inner as NodeError, depth + 1),
    )
  const code = typeof e.code === 'string' ? e.code : ''
  // `connect` and `getaddrinfo` fail before a connection exists (EHOSTUNREACH, ECONNRESET
  // while connecting, …); the same codes from a read or a write may come after the request.
  if (e.syscall === 'connect' || e.syscall === 'getaddrinfo') return true
  if (BEFORE_REQUEST.has(code)) return true
  if (SSL_ERROR.test(code)) return !RECORD_LAYER.test(code)
  return (
    code === 'ECONNRESET' && typeof e.message === 'string' && e.message.startsWith(HANDSHAKE_RESET)
  )
}

/**
 * Why a request failed, as the runtime names it (`ECONNREFUSED`, `CERT_HAS_EXPIRED`), so an
 * operator can tell a wrong setting from an outage; undefined when the runtime names nothing
 * (workerd). The message is not used: it may quote the request.
 *
 * @example
 * reasonOf(new TypeError('fetch failed', { cause: { code: 'EAI_AGAIN' } })) // 'EAI_AGAIN'
 */
export const reasonOf = (error: unknown): string | undefined => {
  const code = rootOf(error)?.code
  return typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code) ? code : undefined
}

/**
 * Whether a rejected `fetch` surely sent nothing: it failed looking up the host, connecting,
 * or in the TLS handshake. A reset or a close once connected, a TLS record error, a timeout
 * or a failure the runtime does not name may come after the request was written.
 *
 * @example
 * neverSent(new TypeError('fetch failed', { cause: { code: 'CERT_HAS_EXPIRED' } })) // true
 * neverSent(new Error('Network connection lost.')) // false: workerd says so once sent, too
 */
export const neverSent = (error: unknown): boolean => {
  const root = rootOf(error)
  return root !== undefined && reasonOf(error) !== undefined && isNeverSent(root)
}
