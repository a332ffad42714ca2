// Throw-away certificates for the trust tests, made with the openssl CLI (EC keys: fast on a small
// machine): a CA, a server certificate it issued for 127.0.0.1, and an unrelated self-signed one.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificates {
  dir: string
  caPem: string
  caKeyPem: string
  serverCertPem: string
  serverKeyPem: string
  selfSignedCertPem: string
  selfSignedKeyPem: string
  remove(): void
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'berth-certs-'))
  const path = (name: string): string => join(dir, name)
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore', timeout: 30_000 })
  }
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Berth Unit Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  openssl('req', ...ec, '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=127.0.0.1')
  writeFileSync(
    path('ext.cnf'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' +
      'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  )
  openssl(
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.crt'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-out',
    path('server.crt'),
    '-days',
    '2',
    '-extfile',
    path('ext.cnf'),
  )
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    path('self.key'),
    '-out',
    path('self.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
  )
  const read = (name: string): string => readFileSync(path(name), 'utf8')
  return {
    dir,
    caPem: read('ca.crt'),
    caKeyPem: read('ca.key'),
    serverCertPem: read('server.crt'),
    serverKeyPem: read('server.key'),
    selfSignedCertPem: read('self.crt'),
    selfSignedKeyPem: read('self.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
