import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Whether `openssl` can be run: without it, the tests that need certificates are skipped. */
export const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

export interface TestCertificates {
  /** A key and certificate for `localhost` that signs itself. */
  selfSigned: { key: string; cert: string }
  /** `localhost` signed by an intermediate CA, signed by a root no one trusts. */
  leaf: { key: string; cert: string }
  intermediate: string
}

/**
 * Fresh keys and certificates, made by `openssl` in a temporary folder (and removed from it),
 * for TLS servers that fail a client's checks the ways real ones do.
 *
 * @example
 * const { selfSigned } = makeTestCertificates()
 * createServer(selfSigned, handler) // node:https
 */
export const makeTestCertificates = (): TestCertificates => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-certs-'))
  const at = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' })
  const key = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(name))
  const request = (name: string, subject: string) =>
    openssl('req', '-new', '-key', at(`${name}.key`), '-subj', subject, '-out', at(`${name}.csr`))
  const sign = (name: string, issuer: string) =>
    openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at(`${issuer}.pem`),
      '-CAkey',
      at(`${issuer}.key`),
      '-set_serial',
      String(Date.now()),
      '-days',
      '2',
      '-extfile',
      at(`${name}.ext`),
      '-out',
      at(`${name}.pem`),
    )
  try {
    for (const name of ['root', 'intermediate', 'leaf', 'self']) key(`${name}.key`)
    const ca = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
    const host = 'subjectAltName=DNS:localhost,IP:127.0.0.1\n'
    writeFileSync(at('intermediate.ext'), ca)
    writeFileSync(at('leaf.ext'), host)
    openssl(
      'req',
      '-x509',
      '-key',
      at('root.key'),
      '-subj',
      '/CN=Test Root',
      '-days',
      '2',
      '-out',
      at('root.pem'),
    )
    request('intermediate', '/CN=Test Intermediate')
    sign('intermediate', 'root')
    request('leaf', '/CN=localhost')
    sign('leaf', 'intermediate')
    openssl(
      'req',
      '-x509',
      '-key',
      at('self.key'),
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days',
      '2',
      '-out',
      at('self.pem'),
    )
    const read = (name: string) => readFileSync(at(name), 'utf8')
    return {
      selfSigned: { key: read('self.key'), cert: read('self.pem') },
      leaf: { key: read('leaf.key'), cert: read('leaf.pem') },
      intermediate: read('intermediate.pem'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
