// Which registry implementation answered the ping: decides provider-specific paths (GitLab's APIs,
// "no catalog" explanations for Docker Hub / GHCR / Quay, Harbor projects).
import type { RegistryKind } from '../../../shared/types'

export interface PingSignals {
  /** Response headers of GET /v2/, names in any case. */
  headers: Record<string, string>
  /** realm and service of the Bearer (or Basic) challenge, when there was one. */
  realm?: string
  service?: string
}

interface Rule {
  kind: RegistryKind
  matches(s: { headers: Record<string, string>; realm: URL | null; service: string; host: string }): boolean
}

const hostIs = (host: string, ...names: string[]): boolean => names.some((name) => host === name || host.endsWith(`.${name}`))

// Order matters: the most specific evidence first, the generic distribution header last (GitLab,
// Harbor and others run distribution underneath and send its version header too).
const rules: Rule[] = [
  // GitLab's registry sends clients to the GitLab instance: realm `<gitlab>/jwt/auth`, service
  // `container_registry` (GitLab's default registry.auth_token service name).
  {
    kind: 'gitlab',
    matches: (s) =>
      s.realm?.pathname === '/jwt/auth' || s.service === 'container_registry' || 'gitlab-container-registry-version' in s.headers,
  },
  {
    kind: 'dockerhub',
    matches: (s) => hostIs(s.host, 'docker.io') || s.realm?.hostname === 'auth.docker.io' || s.service === 'registry.docker.io',
  },
  { kind: 'ghcr', matches: (s) => hostIs(s.host, 'ghcr.io') || s.realm?.hostname === 'ghcr.io' },
  {
    kind: 'quay',
    matches: (s) => hostIs(s.host, 'quay.io') || Object.keys(s.headers).some((name) => name.startsWith('quay')) || s.service === 'quay.io',
  },
  // Harbor's core serves tokens at /service/token for service `harbor-registry`.
  { kind: 'harbor', matches: (s) => s.realm?.pathname === '/service/token' || s.service === 'harbor-registry' },
  // ECR challenges with Basic only, realm `https://<account>.dkr.ecr.<region>.amazonaws.com/`.
  {
    kind: 'ecr',
    matches: (s) =>
      /\.amazonaws\.com(?:\.cn)?$/.test(s.realm?.hostname ?? '') || /\.dkr\.ecr\.[^.]+\.amazonaws\.com(?:\.cn)?$/.test(s.host),
  },
  {
    kind: 'zot',
    matches: (s) =>
      Object.entries(s.headers).some(([name, value]) => name.startsWith('x-zot') || (name === 'server' && /\bzot\b/i.test(value))),
  },
  { kind: 'distribution', matches: (s) => 'docker-distribution-api-version' in s.headers },
]

function parseRealm(realm: string | undefined, url: string): URL | null {
  if (realm === undefined || realm.length === 0) return null
  try {
    // A relative realm resolves against the request URL (docs/registry-notes.md "Auth").
    return new URL(realm, url)
  } catch {
    return null
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase()
  } catch {
    return ''
  }
}

/** Classifies a registry from its /v2/ ping: headers, challenge realm/service and its own URL. */
export function detectRegistryKind(ping: PingSignals, url: string): RegistryKind {
  const headers = Object.fromEntries(Object.entries(ping.headers).map(([name, value]) => [name.toLowerCase(), value]))
  const signals = { headers, realm: parseRealm(ping.realm, url), service: ping.service ?? '', host: hostOf(url) }
  return rules.find((rule) => rule.matches(signals))?.kind ?? 'generic'
}
