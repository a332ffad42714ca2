import { X509Certificate } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run } from './processes'

export interface LabCertificates {
  caPath: string
  caPem: string
  serverCertPath: string
  serverKeyPath: string
  serverCertPem: string
  serverKeyPem: string
  /** SHA-256 of the server certificate, `AA:BB:…` as Node's X509Certificate prints it. */
  fingerprint256: string
  /** The token issuer's RS256 key and its self-signed certificate (the registries' `rootcertbundle`). */
  signingKeyPem: string
  signingCertPath: string
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1/localhost, plus the token signing key,
 * all made with the openssl CLI. Keys are EC for TLS (fast to generate on a small machine) and RSA
 * for tokens, because distribution 2.8's token verifier is exercised with RS256 everywhere.
 */
export async function generateCertificates(dir: string): Promise<LabCertificates> {
  const path = (name: string): string => join(dir, name)
  const days = '2'
  const extFile = path('server-ext.cnf')
  await writeFile(
    extFile,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  )
  await Promise.all([
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path('ca.key'),
      '-out',
      path('ca.crt'),
      '-days',
      days,
      '-subj',
      '/CN=Berth Lab Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]),
    run('openssl', [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path('server.key'),
      '-out',
      path('server.csr'),
      '-subj',
      '/CN=127.0.0.1',
    ]),
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path('token-signing.key'),
      '-out',
      path('token-signing.crt'),
      '-days',
      days,
      '-subj',
      '/CN=Berth Lab Token Issuer',
    ]),
  ])
  await run('openssl', [
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
    days,
    '-extfile',
    extFile,
  ])
  const [caPem, serverCertPem, serverKeyPem, signingKeyPem] = await Promise.all(
    ['ca.crt', 'server.crt', 'server.key', 'token-signing.key'].map((name) => readFile(path(name), 'utf8')),
  )
  if (caPem === undefined || serverCertPem === undefined || serverKeyPem === undefined || signingKeyPem === undefined) {
    throw new Error('certificate generation produced no files')
  }
  return {
    caPath: path('ca.crt'),
    caPem,
    serverCertPath: path('server.crt'),
    serverKeyPath: path('server.key'),
    serverCertPem,
    serverKeyPem,
    fingerprint256: new X509Certificate(serverCertPem).fingerprint256,
    signingKeyPem,
    signingCertPath: path('token-signing.crt'),
  }
}

export interface LabLeafCertificate {
  certPath: string
  keyPath: string
  certPem: string
  keyPem: string
  /** SHA-256, `AA:BB:…`. */
  fingerprint256: string
}

/** The `tlsRealm` instance's pair: a registry certificate for 127.0.0.1 only and a realm one for localhost only. */
export interface LabSplitRealmCertificates {
  registry: LabLeafCertificate
  realm: LabLeafCertificate
}

/**
 * Two more server certificates from the lab CA that `generateCertificates` wrote into `dir`, each
 * naming one host: the registry's IP:127.0.0.1, the token realm's DNS:localhost. Neither covers
 * the other host, so trusting one certificate never trusts the other; the lab CA covers both.
 */
export async function generateSplitRealmCertificates(dir: string): Promise<LabSplitRealmCertificates> {
  const path = (name: string): string => join(dir, name)
  const leaf = async (name: string, subjectAltName: string, commonName: string): Promise<LabLeafCertificate> => {
    const extFile = path(`${name}-ext.cnf`)
    await writeFile(
      extFile,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        `subjectAltName=${subjectAltName}`,
        '',
      ].join('\n'),
    )
    await run('openssl', [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
      '-subj',
      `/CN=${commonName}`,
    ])
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-out',
      path(`${name}.crt`),
      '-days',
      '2',
      '-extfile',
      extFile,
    ])
    const [certPem, keyPem] = await Promise.all([readFile(path(`${name}.crt`), 'utf8'), readFile(path(`${name}.key`), 'utf8')])
    return {
      certPath: path(`${name}.crt`),
      keyPath: path(`${name}.key`),
      certPem,
      keyPem,
      fingerprint256: new X509Certificate(certPem).fingerprint256,
    }
  }
  // One after the other: both write the CA's serial file.
  const registry = await leaf('split-registry', 'IP:127.0.0.1', '127.0.0.1')
  const realm = await leaf('split-realm', 'DNS:localhost', 'localhost')
  return { registry, realm }
}
