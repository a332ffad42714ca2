// Turns what undici and Node throw (socket errors, timeouts, TLS verification failures, aborts)
// into BerthErrors once, at the edge, naming the host. TLS verification failures carry the
// certificate the server presented so the user can decide to trust it.
import { BerthError } from '../../shared/errors'
import type { CertificateInfo } from '../../shared/types'
import { fetchServerCertificate } from '../trust/server-certificate'
import { deadlineVariables } from './http-limits'

/** OpenSSL / Node codes of a certificate that did not verify (not of a broken connection). */
const tlsVerificationCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'])

/** The error and its causes, outermost first (undici wraps socket errors). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = []
  let current: unknown = error
  while (current !== undefined && current !== null && out.length < 5) {
    out.push(current)
    current = current instanceof Error ? current.cause : undefined
  }
  return out
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/**
 * Seam for the certificate attached to tls_untrusted: the verifying handshake was aborted before
 * we could read the certificate, so it is read again on a connection that sends nothing.
 */
export type CertificateReader = (host: string, port: number) => Promise<CertificateInfo | undefined>

export const readPresentedCertificate: CertificateReader = async (host, port) => {
  try {
    const { pem: _pem, ...info } = await fetchServerCertificate(host, port)
    return info
  } catch {
    return undefined
  }
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

function bareHostname(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
}

export async function toTransportError(
  error: unknown,
  url: URL,
  signal: AbortSignal | undefined,
  readCertificate: CertificateReader,
): Promise<BerthError> {
  if (error instanceof BerthError) return error
  const host = url.host
  if (signal?.aborted === true) {
    // A listing's deadline aborts its requests with the timeout error as the reason.
    const reason: unknown = signal.reason
    if (reason instanceof BerthError) return reason
    return new BerthError({ code: 'cancelled', message: `The request to ${host} was cancelled.` }, { cause: error })
  }
  const links = chain(error)
  const nested = links.find((e): e is BerthError => e instanceof BerthError)
  if (nested) return nested
  const codes = links.map(codeOf).filter((c): c is string => c !== undefined)
  const detail = links.map((e) => (e instanceof Error ? e.message : String(e))).find((m) => m.length > 0) ?? 'unknown error'

  const tlsCode = codes.find((c) => tlsVerificationCodes.has(c))
  if (tlsCode !== undefined) {
    const certificate = await readCertificate(bareHostname(url), portOf(url))
    return new BerthError(
      {
        code: 'tls_untrusted',
        message: `The certificate of ${host} is not trusted (${tlsCode}).`,
        fix: 'If you know this registry, review its certificate and trust its CA or accept its fingerprint for this registry only.',
        ...(certificate ? { certificate } : {}),
      },
      { cause: error },
    )
  }
  // undici refuses response headers past its limit (16 KB, Node's max-http-header-size): a hostile
  // or broken server (e.g. an over-long WWW-Authenticate), not an unreachable one.
  if (codes.includes('UND_ERR_HEADERS_OVERFLOW')) {
    return new BerthError(
      {
        code: 'invalid_response',
        message: `${host} sent response headers larger than Berth accepts; Berth stopped reading.`,
        fix: 'The registry or a proxy in front of it is misbehaving; report it to its operator.',
      },
      { cause: error },
    )
  }
  const timeoutCode = codes.find((c) => timeoutCodes.has(c))
  if (timeoutCode !== undefined) {
    const phase =
      timeoutCode === 'UND_ERR_CONNECT_TIMEOUT'
        ? 'connecting'
        : timeoutCode === 'UND_ERR_BODY_TIMEOUT'
          ? 'sending the response body'
          : 'answering'
    return new BerthError(
      {
        code: 'timeout',
        message: `${host} timed out while ${phase}.`,
        fix:
          'Check that the registry is up and reachable from this machine, then retry. To wait longer, set ' +
          `${deadlineVariables.headersMs} or ${deadlineVariables.bodyBaseMs} (milliseconds).`,
      },
      { cause: error },
    )
  }
  const code = codes[0]
  const why =
    code === 'ECONNREFUSED'
      ? 'refused the connection'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'could not be resolved (DNS)'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
          ? 'closed the connection unexpectedly'
          : code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER'
            ? 'did not complete a TLS handshake (is it plain HTTP?)'
            : `could not be reached (${detail})`
  return new BerthError(
    { code: 'network', message: `${host} ${why}.`, fix: 'Check the address, port and scheme, and your network or proxy, then retry.' },
    { cause: error },
  )
}
