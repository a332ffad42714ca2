// One way to say "which registry host is this": profile URLs, docker config keys
// (`https://index.docker.io/v1/`, `registry.example.com:5050`, `http://host/v2/`) and podman keys
// (`host/namespace`) all reduce to a lower-case host[:port] without the scheme's default port.
import { BerthError } from '../../../shared/errors'

/** Every name Docker Hub is known by: docker's legacy index URL key names the same registry. */
const dockerHubAliases = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])
export const dockerHubHost = 'registry-1.docker.io'
export const dockerHubConfigKey = 'https://index.docker.io/v1/'

/**
 * `https://index.docker.io/v1/` → `registry-1.docker.io`; `HTTP://Host:5000/v2/` → `host:5000`;
 * `host:443` → `host`. Podman keys may carry a namespace (`quay.io/team`): the host is the first
 * path segment. Returns null for something that is not a host at all.
 */
export function normalizeRegistryHost(input: string): string | null {
  const trimmed = input.trim()
  if (trimmed.length === 0) return null
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
  let url: URL
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`)
  } catch {
    return null
  }
  if (url.hostname.length === 0 || url.username !== '' || url.password !== '') return null
  // new URL already drops the scheme's default port (`host:443` read as https → `host`).
  const host = url.host.toLowerCase()
  return dockerHubAliases.has(host) ? dockerHubHost : host
}

/** Like normalizeRegistryHost, but throws invalid_input naming what was wrong. */
export function requireRegistryHost(input: string, what: string): string {
  const host = normalizeRegistryHost(input)
  if (host === null) {
    throw new BerthError({ code: 'invalid_input', message: `${what} "${input.slice(0, 200)}" is not a registry host or URL.` })
  }
  return host
}

export function isDockerHubHost(host: string): boolean {
  return normalizeRegistryHost(host) === dockerHubHost
}
