// Reads the certificate a TLS server presents so the user can look at it (subject, issuer,
// validity, SHA-256 fingerprint) before deciding to trust it. Real requests never go through here:
// the transport verifies the chain, or the pinned fingerprint, on every connection it makes.
import { X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import { connect, rootCertificates } from 'node:tls'
import { BerthError } from '../../shared/errors'
import type { CertificateInfo } from '../../shared/types'

export interface ServerCertificate extends CertificateInfo {
  /** The leaf certificate, PEM-encoded. */
  pem: string
}

export interface FetchCertificateOptions {
  /** Default 5 s: covers TCP connect and the handshake. */
  timeoutMs?: number
  signal?: AbortSignal
}

const defaultTimeoutMs = 5_000

/** `CN=a\nO=b` (Node's X509Certificate form) → `CN=a, O=b`, the way people read a DN. */
function readableName(name: string): string {
  return name
    .split('\n')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join(', ')
}

function isSelfSigned(certificate: X509Certificate): boolean {
  if (certificate.subject !== certificate.issuer) return false
  try {
    return certificate.verify(certificate.publicKey)
  } catch {
    return false
  }
}

function toInfo(certificate: X509Certificate): ServerCertificate {
  return {
    subject: readableName(certificate.subject),
    issuer: readableName(certificate.issuer),
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString(),
    // Node already prints AA:BB:… upper-case, the form profiles store (shared/types.ts).
    fingerprint256: certificate.fingerprint256.toUpperCase(),
    serialNumber: certificate.serialNumber.toUpperCase(),
    selfSigned: isSelfSigned(certificate),
    pem: certificate.toString(),
  }
}

/** Parses the first certificate of a PEM string; invalid_input when it is not an X.509 certificate. */
export function certificateInfoFromPem(pem: string): ServerCertificate {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(pem)
  } catch (error) {
    throw new BerthError(
      {
        code: 'invalid_input',
        message: 'The text is not a PEM-encoded X.509 certificate.',
        fix: 'Paste the certificate including its -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines.',
      },
      { cause: error },
    )
  }
  return toInfo(certificate)
}

/** DER bytes → X509Certificate → info; used for the raw certificate a handshake delivered. */
export function certificateInfoFromDer(der: Uint8Array): ServerCertificate {
  return toInfo(new X509Certificate(der))
}

function describeCause(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  // OpenSSL's text for a non-TLS answer is opaque ("ssl3_get_record:wrong version number").
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
    return 'the server does not speak TLS on this port (plain HTTP?)'
  if (code === 'ECONNREFUSED') return 'connection refused'
  return cause instanceof Error ? cause.message : String(cause)
}

function networkError(host: string, port: number, cause: unknown): BerthError {
  const detail = describeCause(cause)
  return new BerthError(
    {
      code: 'network',
      message: `Could not read the TLS certificate of ${host}:${port}: ${detail}`,
      fix: 'Check the address and port, and that the registry serves HTTPS there.',
    },
    { cause },
  )
}

/** What a handshake showed: the leaf, and (when asked to verify) whether it verified for this host. */
export interface PresentedCertificate {
  certificate: ServerCertificate
  /** Chain and host name verified against the roots given (only with `verifyWith`). */
  authorized: boolean
  /** OpenSSL's or Node's reason when not authorized: DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, … */
  authorizationError?: string
}

export interface HandshakeOptions extends FetchCertificateOptions {
  servername?: string
  /**
   * Also verify the chain and the host name, as a real request would: against the system roots
   * plus these CAs. Verification never stops the handshake here; the result says how it went.
   */
  verifyWith?: { caPems: readonly string[] }
}

/**
 * Opens a TLS connection to host:port, reads the leaf certificate the server presents, and closes
 * the connection at once.
 *
 * Why verification is off here, and only here: the point is to show an untrusted (self-signed,
 * private-CA, expired) certificate so the user can decide; a verifying handshake would fail before
 * we could see it. This socket sends no application data (no HTTP request, no credentials), is
 * destroyed right after the handshake and is never handed to anyone or reused. Trust decisions for
 * real requests are made by the transport, with verification on.
 */
export function fetchServerCertificate(
  host: string,
  port: number,
  servername?: string,
  options: FetchCertificateOptions = {},
): Promise<ServerCertificate> {
  return inspectHandshake(host, port, { ...options, ...(servername === undefined ? {} : { servername }) }).then(
    (presented) => presented.certificate,
  )
}

/**
 * The same handshake (nothing sent, socket destroyed at once), optionally reporting whether the
 * certificate would verify for this host with `verifyWith`'s roots: `rejectUnauthorized: false`
 * only defers the decision to the caller, Node still computes `authorized` (chain + host name).
 */
export function inspectHandshake(host: string, port: number, options: HandshakeOptions = {}): Promise<PresentedCertificate> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs
  // SNI must be a host name (RFC 6066 §3: IP literals are not permitted).
  const sni = options.servername ?? (isIP(host) === 0 ? host : undefined)
  const verify = options.verifyWith
  // Node's `ca` replaces the bundled roots, so they are passed along (docs/registry-notes.md "TLS").
  const ca = verify !== undefined && verify.caPems.length > 0 ? { ca: [...rootCertificates, ...verify.caPems] } : {}
  return new Promise<PresentedCertificate>((resolve, reject) => {
    let settled = false
    const socket = connect({
      host,
      port,
      ...(sni === undefined ? {} : { servername: sni }),
      ...ca,
      rejectUnauthorized: false,
      // Nothing is sent, so without `verifyWith` no identity check either: we only report what the server presented.
      ...(verify === undefined ? { checkServerIdentity: () => undefined } : {}),
      ALPNProtocols: ['http/1.1'],
    })
    const finish = (outcome: { presented: PresentedCertificate } | { error: BerthError }): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      if ('presented' in outcome) resolve(outcome.presented)
      else reject(outcome.error)
    }
    const onAbort = (): void =>
      finish({ error: new BerthError({ code: 'cancelled', message: `Reading the certificate of ${host}:${port} was cancelled.` }) })
    const timer = setTimeout(
      () =>
        finish({
          error: new BerthError({
            code: 'timeout',
            message: `${host}:${port} did not complete a TLS handshake within ${timeoutMs} ms.`,
            fix: 'Check that the registry serves HTTPS on this port (a plain-HTTP server never answers a handshake).',
          }),
        }),
      timeoutMs,
    )
    if (options.signal?.aborted === true) {
      onAbort()
      return
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(false)
      // An empty object means the server sent no certificate (anonymous cipher suites).
      if (peer.raw === undefined || peer.raw.length === 0) {
        finish({ error: networkError(host, port, new Error('the server presented no certificate')) })
        return
      }
      try {
        const certificate = certificateInfoFromDer(peer.raw)
        const authorized = verify !== undefined && socket.authorized
        // Node sets it to the OpenSSL code (a string), whatever its typings say.
        const reason: unknown = socket.authorizationError
        const why = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined
        finish({
          presented: {
            certificate,
            authorized,
            ...(verify !== undefined && !authorized && why !== undefined ? { authorizationError: why } : {}),
          },
        })
      } catch (error) {
        finish({ error: networkError(host, port, error) })
      }
    })
    socket.once('error', (error) => finish({ error: networkError(host, port, error) }))
    socket.once('close', () => finish({ error: networkError(host, port, new Error('the connection closed during the handshake')) }))
  })
}
