// The socket factory of one registry's undici Agent. It applies that registry's TLS trust (its own
// CA certificates on top of the system roots, a client certificate, or a pinned fingerprint) to
// connections to that registry only, and remembers the certificate each server presented so ping
// and error messages can show it. Nothing here is process-wide (docs/registry-notes.md "TLS").
import { lookup as dnsLookup } from 'node:dns'
import { isIPv6, type LookupFunction } from 'node:net'
import { createSecureContext, rootCertificates, type TLSSocket } from 'node:tls'
import { buildConnector } from 'undici'
import { BerthError } from '../../shared/errors'
import type { CertificateInfo } from '../../shared/types'
import { pinnedHostsOf, pinRuleFor } from '../trust/host-pins'
import { certificateInfoFromDer } from '../trust/server-certificate'
import type { TlsTrust } from './client-types'

export interface TlsConnectorOptions {
  /** host[:port] of the registry: its pin applies to connections to exactly this authority (trust.hostPins name their own). */
  registryHost: string
  trust?: TlsTrust
  connectTimeoutMs: number
}

export interface RegistryConnector {
  connect: buildConnector.connector
  /** The leaf certificate the server at host:port presented on the last TLS handshake. */
  lastCertificate(hostAndPort: string): CertificateInfo | undefined
  /** From now on, connections to `hostname` use only these addresses (the ones the realm guard judged). */
  pinAddresses(hostname: string, addresses: readonly string[]): void
}

function authorityOf(hostname: string, port: string, protocol: string): string {
  const effectivePort = port || (protocol === 'https:' ? '443' : '80')
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname
  return `${host}:${effectivePort}`
}

function peerCertificate(socket: TLSSocket): CertificateInfo | undefined {
  const peer = socket.getPeerCertificate(false)
  if (peer.raw === undefined || peer.raw.length === 0) return undefined
  try {
    const { pem: _pem, ...info } = certificateInfoFromDer(peer.raw)
    return info
  } catch {
    return undefined
  }
}

export function createRegistryConnector(options: TlsConnectorOptions): RegistryConnector {
  const trust = options.trust
  // Node's `ca` REPLACES the bundled roots, so the system roots are passed along explicitly.
  const ca = trust && trust.caPems.length > 0 ? [...rootCertificates, ...trust.caPems] : undefined
  const clientCert = trust?.clientCert ? { cert: trust.clientCert.certPem, key: trust.clientCert.keyPem } : {}
  const certificates = new Map<string, CertificateInfo>()
  // The registry's pin and those of the hosts it sends Berth to, each bound to its host:port.
  const pins = pinnedHostsOf(options.registryHost, trust)

  // One secure context per registry, built once: passing `ca` to every tls.connect rebuilds a
  // context from ~150 roots per connection (~20 ms of CPU each), which dominated cold listings.
  const trustContext = ca || trust?.clientCert ? { secureContext: createSecureContext({ ...(ca ? { ca } : {}), ...clientCert }) } : {}
  // docs/registry-notes.md "Auth", realm guard: a host name is judged by the addresses it resolves
  // to. Resolving again to connect could give another answer (DNS rebinding), so a judged name is
  // connected to the judged addresses only.
  const pinnedAddresses = new Map<string, readonly string[]>()
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const pinnedForHost = pinnedAddresses.get(hostname.toLowerCase())
    if (pinnedForHost === undefined) {
      dnsLookup(hostname, lookupOptions, callback)
      return
    }
    const wanted = typeof lookupOptions.family === 'number' ? lookupOptions.family : 0
    const entries = pinnedForHost
      .map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }))
      .filter((entry) => wanted === 0 || entry.family === wanted)
    const first = entries[0]
    if (first === undefined) {
      callback(Object.assign(new Error(`no judged address of ${hostname} in this family`), { code: 'ENOTFOUND' }), '', 0)
      return
    }
    if (lookupOptions.all === true) callback(null, entries)
    else callback(null, first.address, first.family)
  }
  const verifying = buildConnector({ timeout: options.connectTimeoutMs, lookup, ...trustContext })
  // Why chain verification is off for a pinned host (the registry, or its token realm), and only
  // for it: the user pinned a certificate that no CA vouches for (self-signed, private CA they did
  // not import), so chain verification can never pass. The pin replaces it: the socket is handed to
  // undici — and so gets its first request byte — only after the presented leaf's SHA-256 equals
  // the pin exactly, which is a stronger binding than a chain. Session resumption is off so every
  // connection shows its certificate.
  const pinned =
    pins.length === 0
      ? undefined
      : buildConnector({
          timeout: options.connectTimeoutMs,
          lookup,
          ...clientCert,
          rejectUnauthorized: false,
          checkServerIdentity: () => undefined,
          maxCachedSessions: 0,
        })
  // Other ports of the pinned host (a token realm on :443 next to a registry on :5050) keep normal
  // verification; only when it fails do they get the same answer the user gave for this host: the
  // pinned certificate, and only it, is accepted. A certificate names a host, not a port.
  // `rejectUnauthorized: false` only defers the decision: Node still computes `authorized`
  // (chain + host name) and the socket is refused below unless authorized or pinned.
  const samePinnedHost =
    pins.length === 0
      ? undefined
      : buildConnector({ timeout: options.connectTimeoutMs, lookup, ...trustContext, rejectUnauthorized: false, maxCachedSessions: 0 })

  const refuse = (socket: TLSSocket, callback: buildConnector.Callback, error: BerthError): void => {
    socket.destroy()
    callback(error, null)
  }

  const connect: buildConnector.connector = (connectOptions, callback) => {
    const authority = authorityOf(connectOptions.hostname, connectOptions.port, connectOptions.protocol)
    const isHttps = connectOptions.protocol === 'https:'
    const rule = isHttps ? pinRuleFor(authority, pins) : ({ mode: 'verify' } as const)
    const mode = rule.mode
    const base = mode === 'pin' ? pinned : mode === 'verify-or-pin' ? samePinnedHost : verifying
    ;(base ?? verifying)(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(error, null)
        return
      }
      if (!isHttps) {
        callback(null, socket)
        return
      }
      const tlsSocket = socket as TLSSocket
      const certificate = peerCertificate(tlsSocket)
      if (certificate) certificates.set(authority, certificate)
      const accepted = rule.mode === 'pin' ? [rule.fingerprint] : rule.mode === 'verify-or-pin' ? rule.fingerprints : []
      const matchesPin = certificate !== undefined && accepted.includes(certificate.fingerprint256)
      if (mode === 'verify' || matchesPin || (mode === 'verify-or-pin' && tlsSocket.authorized)) {
        callback(null, socket)
        return
      }
      if (mode === 'verify-or-pin') {
        refuse(
          tlsSocket,
          callback,
          new BerthError({
            code: 'tls_untrusted',
            message:
              `The certificate of ${authority} is not trusted (${String(tlsSocket.authorizationError)}) ` +
              `and is not the one you accepted for ${authority.slice(0, authority.lastIndexOf(':'))}.`,
            fix: 'Review the certificate of this server and trust its CA for this registry.',
            ...(certificate ? { certificate } : {}),
          }),
        )
        return
      }
      const presented = certificate ? certificate.fingerprint256 : 'none'
      const pin = accepted[0] ?? ''
      refuse(
        tlsSocket,
        callback,
        new BerthError({
          code: 'tls_changed',
          message: `The certificate of ${authority} changed: it presented ${presented}, but you accepted ${pin}.`,
          fix:
            'If the registry operator replaced the certificate, review the new one and accept it again; ' +
            'otherwise do not connect — someone may be intercepting the connection.',
          expectedFingerprint: pin,
          ...(certificate ? { certificate } : {}),
        }),
      )
    })
  }

  return {
    connect,
    lastCertificate: (hostAndPort) => certificates.get(hostAndPort),
    pinAddresses(hostname, addresses) {
      if (addresses.length > 0) pinnedAddresses.set(hostname.toLowerCase(), [...addresses])
    },
  }
}

/** host:port key used by lastCertificate, from a URL. */
export function authorityOfUrl(url: URL): string {
  return authorityOf(url.hostname, url.port, url.protocol)
}
