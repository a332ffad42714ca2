import { X509Certificate } from 'node:crypto'
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isBerthError } from '../../../shared/errors'
import { certificateInfoFromPem, fetchServerCertificate } from '../../../electron/trust/server-certificate'
import { makeTestCertificates, type TestCertificates } from '../stores/trust-fixtures'

let certs: TestCertificates
beforeAll(() => {
  certs = makeTestCertificates()
})
afterAll(() => certs.remove())

interface Running {
  port: number
  /** Resolves with the number of application bytes the server received once the client left. */
  nextConnection: Promise<number>
  close(): Promise<void>
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** server.close() waits for open connections: destroy what is left, then close. */
function tracked(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

async function startTls(certPem: string, keyPem: string): Promise<Running> {
  let report: (bytes: number) => void = () => undefined
  const nextConnection = new Promise<number>((resolve) => (report = resolve))
  let bytes = 0
  const server = createTlsServer({ cert: certPem, key: keyPem }, (socket: TLSSocket) => {
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length))
    socket.on('error', () => undefined)
  })
  server.on('tlsClientError', () => undefined)
  // The raw TCP socket: the client may hang up before the server sees the handshake complete.
  server.on('connection', (raw: Socket) => raw.on('close', () => report(bytes)))
  const close = tracked(server)
  const port = await listen(server)
  return { port, nextConnection, close }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return isBerthError(error) ? error.code : `not a BerthError: ${String(error)}`
  }
  return 'resolved'
}

describe('fetchServerCertificate', () => {
  it('reads the certificate a server presents even though no trusted CA issued it', async () => {
    const server = await startTls(certs.serverCertPem, certs.serverKeyPem)
    try {
      const info = await fetchServerCertificate('127.0.0.1', server.port)
      const expected = new X509Certificate(certs.serverCertPem)
      expect(info.fingerprint256).toBe(expected.fingerprint256)
      expect(info.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
      expect(info.subject).toBe('CN=127.0.0.1')
      expect(info.issuer).toBe('CN=Berth Unit Test CA')
      expect(info.selfSigned).toBe(false)
      expect(info.serialNumber).toBe(expected.serialNumber.toUpperCase())
      expect(new Date(info.validTo).getTime()).toBeGreaterThan(Date.now())
      expect(info.pem).toBe(expected.toString())
    } finally {
      await server.close()
    }
  })

  it('sends no application data and closes the connection at once', async () => {
    const server = await startTls(certs.serverCertPem, certs.serverKeyPem)
    try {
      await fetchServerCertificate('127.0.0.1', server.port)
      expect(await server.nextConnection).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('marks a self-signed certificate as self-signed', async () => {
    const server = await startTls(certs.selfSignedCertPem, certs.selfSignedKeyPem)
    try {
      const info = await fetchServerCertificate('127.0.0.1', server.port, 'localhost')
      expect(info.selfSigned).toBe(true)
      expect(info.fingerprint256).toBe(new X509Certificate(certs.selfSignedCertPem).fingerprint256)
    } finally {
      await server.close()
    }
  })

  it('reports a refused connection as a network error', async () => {
    const probe = createTcpServer()
    const port = await listen(probe)
    await new Promise((resolve) => probe.close(resolve))
    expect(await codeOf(fetchServerCertificate('127.0.0.1', port))).toBe('network')
  })

  it('gives up with a timeout when the server never answers the handshake', async () => {
    const silent = createTcpServer()
    const close = tracked(silent)
    const port = await listen(silent)
    try {
      const started = Date.now()
      expect(await codeOf(fetchServerCertificate('127.0.0.1', port, undefined, { timeoutMs: 300 }))).toBe('timeout')
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      await close()
    }
  })

  it('reports a plain-TCP server that hangs up as a network error', async () => {
    const rude = createTcpServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
    const close = tracked(rude)
    const port = await listen(rude)
    try {
      const attempt = fetchServerCertificate('127.0.0.1', port)
      await expect(attempt).rejects.toThrow(/does not speak TLS/)
      expect(await codeOf(attempt)).toBe('network')
    } finally {
      await close()
    }
  })
})

describe('certificateInfoFromPem', () => {
  it('describes a CA certificate', () => {
    const info = certificateInfoFromPem(certs.caPem)
    expect(info).toMatchObject({ subject: 'CN=Berth Unit Test CA', issuer: 'CN=Berth Unit Test CA', selfSigned: true })
    expect(info.fingerprint256).toBe(new X509Certificate(certs.caPem).fingerprint256)
  })

  it('refuses text that is not a certificate', () => {
    expect(() => certificateInfoFromPem('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----')).toThrow(
      /not a PEM-encoded X\.509 certificate/,
    )
  })
})
