// Loopback / private / link-local classification of a host, for the "plain http only for
// loopback" default and the token-realm guard (docs/registry-notes.md "Auth": no loopback/private/
// link-local realm unless it is the registry host).
import { isIPv4, isIPv6 } from 'node:net'

/** `host`, `host:port`, `[v6]:port`, `[v6]` or a bare IPv6 → the bare host name / address. */
export function hostnameOf(host: string): string {
  const normalized = host.trim().toLowerCase()
  if (normalized.startsWith('[')) {
    const end = normalized.indexOf(']')
    return end > 0 ? normalized.slice(1, end) : normalized
  }
  const colons = normalized.split(':').length - 1
  if (colons === 1) return normalized.slice(0, normalized.indexOf(':'))
  return normalized.endsWith('.') && colons === 0 ? normalized.slice(0, -1) : normalized
}

/** WHATWG URL normalises IPv4 spellings (`127.1`, `0x7f.0.0.1`, `2130706433`) to dotted quads. */
function normalizedIPv4(name: string): string | null {
  if (isIPv4(name)) return name
  if (!/^[0-9a-fx.]+$/i.test(name)) return null
  try {
    const normalized = new URL(`http://${name}/`).hostname
    return isIPv4(normalized) ? normalized : null
  } catch {
    return null
  }
}

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number)
}

/** Eight 16-bit groups of an IPv6 address, or null. */
export function ipv6Groups(address: string): number[] | null {
  if (!isIPv6(address)) return null
  let text = address.split('%')[0] ?? ''
  const lastColon = text.lastIndexOf(':')
  const last = text.slice(lastColon + 1)
  if (isIPv4(last)) {
    // ::ffff:1.2.3.4 → ::ffff:102:304, so one parser handles both spellings.
    const [first = 0, second = 0, third = 0, fourth = 0] = ipv4Octets(last)
    text = `${text.slice(0, lastColon + 1)}${((first << 8) | second).toString(16)}:${((third << 8) | fourth).toString(16)}`
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)))
  const doubleColon = text.indexOf('::')
  let groups: number[]
  if (doubleColon >= 0) {
    const head = parse(text.slice(0, doubleColon))
    const rest = parse(text.slice(doubleColon + 2))
    const missing = 8 - head.length - rest.length
    groups = [...head, ...new Array<number>(Math.max(0, missing)).fill(0), ...rest]
  } else {
    groups = parse(text)
  }
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null
}

/** The IPv4 address embedded in an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
function mappedIPv4(groups: number[]): string | null {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const high = groups[6] ?? 0
    const low = groups[7] ?? 0
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
  }
  return null
}

function isLoopbackIPv4(address: string): boolean {
  return ipv4Octets(address)[0] === 127
}

function isPrivateIPv4(address: string): boolean {
  const [first = -1, second = -1] = ipv4Octets(address)
  return (
    first === 10 ||
    first === 0 || // "this network": 0.0.0.0 reaches the local host
    (first === 172 && second >= 16 && second <= 31) ||
    (first === 192 && second === 168) ||
    (first === 169 && second === 254) ||
    first === 127
  )
}

/** 127.0.0.0/8, ::1 (and ::ffff:127.x), `localhost` and `*.localhost` (RFC 6761). */
export function isLoopbackHost(host: string): boolean {
  const name = hostnameOf(host)
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  const v4 = normalizedIPv4(name)
  if (v4) return isLoopbackIPv4(v4)
  const groups = ipv6Groups(name)
  if (!groups) return false
  const mapped = mappedIPv4(groups)
  if (mapped) return isLoopbackIPv4(mapped)
  return groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1
}

/** Loopback plus 10/8, 172.16/12, 192.168/16, 169.254/16, 0/8, fc00::/7, fe80::/10, ::. */
export function isPrivateOrLinkLocalHost(host: string): boolean {
  if (isLoopbackHost(host)) return true
  const name = hostnameOf(host)
  const v4 = normalizedIPv4(name)
  if (v4) return isPrivateIPv4(v4)
  const groups = ipv6Groups(name)
  if (!groups) return false
  const mapped = mappedIPv4(groups)
  if (mapped) return isPrivateIPv4(mapped)
  const first = groups[0] ?? 0
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || groups.every((g) => g === 0)
}

/** Two IP addresses are the same address (IPv6 spellings and IPv4-mapped forms compared by value). */
export function sameAddress(first: string, second: string): boolean {
  const canonical = (address: string): string => {
    const name = hostnameOf(address)
    const v4 = normalizedIPv4(name)
    if (v4) return v4
    const groups = ipv6Groups(name)
    if (!groups) return name
    return mappedIPv4(groups) ?? groups.join(':')
  }
  return canonical(first) === canonical(second)
}
