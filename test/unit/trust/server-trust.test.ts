// Whether a request would trust what a server presents, judged from a handshake that sends
// nothing: the chain and host name against the system roots plus the registry's CAs, or its pins —
// by the same rules as the transport's connector, so the trust step shows what requests will do.
import { X509Certificate } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createServer, type Server, type TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectServerTrust } from '../../../electron/trust/server-trust'
import { makeTestCertificates, type TestCertificates } from '../stores/trust-fixtures'

let certs: TestCertificates
const servers: Server[] = []

beforeAll(() => {
  certs = makeTestCertificates()
})
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  certs.remove()
})

async function serve(certPem: string, keyPem: string): Promise<number> {
  const server = createServer({ cert: certPem, key: keyPem }, (socket: TLSSocket) => socket.on('error', () => undefined))
  server.on('tlsClientError', () => undefined)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256

describe('inspectServerTrust', () => {
  it('does not trust a private CA’s certificate on the system roots alone, and says why', async () => {
    const port = await serve(certs.serverCertPem, certs.serverKeyPem)
    const result = await inspectServerTrust(`127.0.0.1:${port}`, { caPems: [], pins: [] })
    expect(result).toMatchObject({ authority: `127.0.0.1:${port}`, trusted: false, problem: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
    expect(result.certificate.fingerprint256).toBe(fingerprintOf(certs.serverCertPem))
  })

  it('trusts it with the CA, under either name the certificate carries', async () => {
    const port = await serve(certs.serverCertPem, certs.serverKeyPem)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await inspectServerTrust(host, { caPems: [certs.caPem], pins: [] })).trusted).toBe(true)
    }
  })

  it('refuses the CA’s certificate for a name it does not carry', async () => {
    const port = await serve(certs.selfSignedCertPem, certs.selfSignedKeyPem)
    const result = await inspectServerTrust(`localhost:${port}`, { caPems: [certs.selfSignedCertPem], pins: [] })
    expect(result.trusted).toBe(false)
    expect(result.problem).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
  })

  it('trusts a pinned self-signed certificate at its host:port, and only the pinned one', async () => {
    const port = await serve(certs.selfSignedCertPem, certs.selfSignedKeyPem)
    const authority = `127.0.0.1:${port}`
    const pinned = await inspectServerTrust(authority, {
      caPems: [],
      pins: [{ authority, fingerprint: fingerprintOf(certs.selfSignedCertPem) }],
    })
    expect(pinned.trusted).toBe(true)
    const other = fingerprintOf(certs.serverCertPem)
    const changed = await inspectServerTrust(authority, { caPems: [], pins: [{ authority, fingerprint: other }] })
    expect(changed).toMatchObject({ trusted: false, problem: `it is not the certificate you accepted (${other})` })
  })

  it('accepts a host’s pinned certificate on its other ports too', async () => {
    const port = await serve(certs.selfSignedCertPem, certs.selfSignedKeyPem)
    const pins = [{ authority: '127.0.0.1:1', fingerprint: fingerprintOf(certs.selfSignedCertPem) }]
    expect((await inspectServerTrust(`127.0.0.1:${port}`, { caPems: [], pins })).trusted).toBe(true)
    // Not on another host name, even one that reaches the same server.
    expect((await inspectServerTrust(`localhost:${port}`, { caPems: [], pins })).trusted).toBe(false)
  })
})
