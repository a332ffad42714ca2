// Which pinned certificates apply to a TLS connection (docs/registry-notes.md "TLS"). A pin binds
// the host:port it was accepted for: there the presented leaf must be exactly the pinned one, and
// chain verification is not asked (no CA vouches for it). Other ports of a pinned host verify
// normally and only fall back to that host's pins, since a certificate names a host, not a port.
// One registry may pin several hosts: itself and the hosts it sends Berth to (its token realm).
import { BerthError } from '../../shared/errors'
import { normalizeFingerprint } from './fingerprint'

export interface PinnedHost {
  /** host:port as canonicalAuthority writes it. */
  authority: string
  /** AA:BB:… upper-case. */
  fingerprint: string
}

export type PinRule =
  | { mode: 'verify' }
  | { mode: 'pin'; fingerprint: string }
  /** Verify; if that fails, accept only these certificates (pinned for other ports of this host). */
  | { mode: 'verify-or-pin'; fingerprints: string[] }

/**
 * `Host:port`, `[::1]:443`, `registry.example.com` (port 443 unless given) → `host:port` as
 * connections name it: lower-case, IPv6 in brackets and compressed, the port always written.
 */
export function canonicalAuthority(hostPort: string, defaultPort = 443): string {
  let url: URL
  try {
    url = new URL(`https://${hostPort.trim()}`)
  } catch (error) {
    throw new BerthError(
      {
        code: 'invalid_input',
        message: `"${hostPort.slice(0, 120)}" is not a host[:port].`,
        fix: 'Write it as host:port, e.g. registry.example.com:5050.',
      },
      { cause: error },
    )
  }
  if (url.hostname === '' || url.pathname !== '/' || url.username !== '' || url.search !== '') {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${hostPort.slice(0, 120)}" is not a host[:port].`,
      fix: 'Write it as host:port, e.g. registry.example.com:5050.',
    })
  }
  // URL drops the scheme's default port: 443 is written back, any other default is the caller's.
  return `${url.hostname}:${url.port || String(defaultPort)}`
}

function hostnameOfAuthority(authority: string): string {
  return authority.slice(0, authority.lastIndexOf(':'))
}

/** The rule for a connection to `authority` (canonical host:port) under these pins. */
export function pinRuleFor(authority: string, pins: readonly PinnedHost[]): PinRule {
  const exact = pins.find((pin) => pin.authority === authority)
  if (exact) return { mode: 'pin', fingerprint: exact.fingerprint }
  const hostname = hostnameOfAuthority(authority)
  const sameHost = pins.filter((pin) => hostnameOfAuthority(pin.authority) === hostname).map((pin) => pin.fingerprint)
  return sameHost.length > 0 ? { mode: 'verify-or-pin', fingerprints: sameHost } : { mode: 'verify' }
}

/** A registry's trust as far as pins go: its own pin and those of the hosts it sends Berth to. */
export interface RegistryPins {
  pinnedFingerprint?: string
  hostPins?: readonly { host: string; fingerprint: string }[]
}

/** Every pin of a registry at `registryHost` (host[:port]), each bound to its canonical host:port. */
export function pinnedHostsOf(registryHost: string, trust: RegistryPins | undefined): PinnedHost[] {
  const pins: PinnedHost[] = []
  if (trust?.pinnedFingerprint) {
    pins.push({ authority: canonicalAuthority(registryHost), fingerprint: normalizeFingerprint(trust.pinnedFingerprint) })
  }
  for (const pin of trust?.hostPins ?? []) {
    pins.push({ authority: canonicalAuthority(pin.host), fingerprint: normalizeFingerprint(pin.fingerprint) })
  }
  return pins
}
