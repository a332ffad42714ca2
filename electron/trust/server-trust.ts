// Would a request to host:port trust the certificate it presents, under one registry's trust (the
// system roots plus its CAs, its pins)? Answered from one handshake that sends nothing, by the
// same rules as the transport's connector (host-pins.ts), so the trust step can show every host a
// registry sends Berth to — and whether each one still needs the user — before any request is made.
import type { CertificateInfo } from '../../shared/types'
import { canonicalAuthority, pinRuleFor, type PinnedHost } from './host-pins'
import { inspectHandshake, type FetchCertificateOptions } from './server-certificate'

export interface TrustAnchors {
  /** CAs trusted on top of the system roots. */
  caPems: readonly string[]
  pins: readonly PinnedHost[]
}

export interface ServerTrust {
  /** host:port, canonical. */
  authority: string
  certificate: CertificateInfo
  trusted: boolean
  /** Why not: OpenSSL's reason, or that it is not the certificate pinned for this host. */
  problem?: string
}

export async function inspectServerTrust(
  hostPort: string,
  anchors: TrustAnchors,
  options: FetchCertificateOptions = {},
): Promise<ServerTrust> {
  const authority = canonicalAuthority(hostPort)
  const url = new URL(`https://${authority}`)
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  const presented = await inspectHandshake(hostname, Number(url.port || 443), { ...options, verifyWith: { caPems: anchors.caPems } })
  const { pem: _pem, ...certificate } = presented.certificate
  const rule = pinRuleFor(authority, anchors.pins)
  const fingerprint = certificate.fingerprint256
  if (rule.mode === 'pin') {
    const trusted = fingerprint === rule.fingerprint
    return trusted
      ? { authority, certificate, trusted }
      : { authority, certificate, trusted, problem: `it is not the certificate you accepted (${rule.fingerprint})` }
  }
  if (presented.authorized || (rule.mode === 'verify-or-pin' && rule.fingerprints.includes(fingerprint))) {
    return { authority, certificate, trusted: true }
  }
  return { authority, certificate, trusted: false, problem: presented.authorizationError ?? 'not trusted' }
}
