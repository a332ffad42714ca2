// Which URLs Berth tries for a registry address, one rule for every door (the app's add-registry
// dialog, the CLI, the web mode): the scheme the address names, or https first for a bare
// `host[:port]`; plain http only as the fallback of a bare address whose host is loopback or that
// the user marked insecure, and only when the server answers the TLS handshake in plain HTTP
// (docs/registry-notes.md "TLS"). Pure: it runs in the renderer as well as in main.

export interface AddressPlan {
  /** host[:port] as it will be contacted, lower-cased. */
  host: string
  /** The URL tried first: the address's own scheme, or https for a bare address. */
  first: string
  /** Plain http, tried only when `first` answers the TLS handshake in plain HTTP; null when not allowed. */
  fallback: string | null
  /** The address named its scheme: it is taken as written, never switched. */
  explicit: boolean
}

const schemePattern = /^([a-z][a-z0-9+.-]*):\/\//i

function parseHost(text: string): URL | null {
  try {
    const url = new URL(`https://${text}`)
    return url.hostname === '' ? null : url
  } catch {
    return null
  }
}

/**
 * Loopback by name or address, after WHATWG URL normalisation (`127.1` → `127.0.0.1`, `[::ffff:127.0.0.1]`
 * → `[::ffff:7f00:1]`): `localhost`, `*.localhost` (RFC 6761), 127.0.0.0/8, ::1 and IPv4-mapped 127/8.
 * Agrees with electron/http/host-address.ts `isLoopbackHost` (test/unit/shared/registry-address.test.ts).
 */
export function isLoopbackHostname(host: string): boolean {
  const text = host.trim()
  // A bare IPv6 address (`::1`) has no brackets: give it some so URL parses it as a host.
  const url = parseHost(text.includes(':') && text.indexOf(':') !== text.lastIndexOf(':') && !text.startsWith('[') ? `[${text}]` : text)
  if (url === null) return false
  const name = url.hostname.toLowerCase().replace(/\.$/, '')
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return true
  if (name === '[::1]') return true
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name)
}

/** Plain http may be used for this host: it is loopback, or the user marked the registry insecure. */
export function plainHttpAllowed(host: string, insecure: boolean): boolean {
  return insecure || isLoopbackHostname(host)
}

/**
 * The URLs to try for `input` (`host`, `host:port`, `https://…`, `http://…`, an optional trailing
 * `/` or `/v2/`), or null when it is not an address at all (main explains why: parseRegistryAddress).
 */
export function planRegistryAddress(input: string, options: { insecure: boolean }): AddressPlan | null {
  const trimmed = input.trim()
  // A scheme and nothing else ("https://") is no address, not the host "https".
  if (/^[a-z][a-z0-9+.-]*:\/*$/i.test(trimmed)) return null
  const text = trimmed.replace(/\/v2\/?$/i, '').replace(/\/+$/, '')
  if (text === '') return null
  const scheme = schemePattern.exec(text)?.[1]?.toLowerCase()
  if (scheme !== undefined) {
    if (scheme !== 'http' && scheme !== 'https') return null
    const url = parseHost(text.slice(scheme.length + 3))
    if (url === null || url.pathname !== '/') return null
    return { host: url.host, first: `${scheme}://${url.host}`, fallback: null, explicit: true }
  }
  const url = parseHost(text)
  if (url === null || url.pathname !== '/') return null
  const host = url.host
  return {
    host,
    first: `https://${host}`,
    fallback: plainHttpAllowed(host, options.insecure) ? `http://${host}` : null,
    explicit: false,
  }
}
