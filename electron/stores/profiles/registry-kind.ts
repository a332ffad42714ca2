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
  matches(signals: { headers: Record<string, string>; realm: URL | null; service: string; host: string }): boolean
}

const hostIs = (host: string, ...names: string[]): boolean => names.some((name) => host === name || host.endsWith(`.${name}`))

// Order matters: the most specific evidence first, the generic distribution header last (GitLab,
// Harbor and others run distribution underneath and send its version header too).
const rules: Rule[] = [
  // GitLab's registry sends clients to the GitLab instance: realm `<gitlab>/jwt/auth`, service
  // `container_registry` (the audience GitLab's /jwt/auth serves registry tokens for). A
  // `/jwt/auth` realm for another service is some other token server in GitLab's shape (the
  // test lab's issuer is one): not GitLab, whose API Berth would then ask for nothing.
  {
    kind: 'gitlab',
    matches: (signals) =>
      (signals.realm?.pathname.endsWith('/jwt/auth') === true && (signals.service === '' || signals.service === 'container_registry')) ||
      signals.service === 'container_registry' ||
      'gitlab-container-registry-version' in signals.headers,
  },
  {
    kind: 'dockerhub',
    matches: (signals) =>
      hostIs(signals.host, 'docker.io') || signals.realm?.hostname === 'auth.docker.io' || signals.service === 'registry.docker.io',
  },
  { kind: 'ghcr', matches: (signals) => hostIs(signals.host, 'ghcr.io') || signals.realm?.hostname === 'ghcr.io' },
  {
    kind: 'quay',
    matches: (signals) =>
      hostIs(signals.host, 'quay.io') ||
      Object.keys(signals.headers).some((name) => name.startsWith('quay')) ||
      signals.service === 'quay.io',
  },
  // Harbor's core serves tokens at /service/token for service `harbor-registry`.
  { kind: 'harbor', matches: (signals) => signals.realm?.pathname === '/service/token' || signals.service === 'harbor-registry' },
  // ECR challenges with Basic only, realm `https://<account>.dkr.ecr.<region>.amazonaws.com/`.
  {
    kind: 'ecr',
    matches: (signals) =>
      /\.amazonaws\.com(?:\.cn)?$/.test(signals.realm?.hostname ?? '') || /\.dkr\.ecr\.[^.]+\.amazonaws\.com(?:\.cn)?$/.test(signals.host),
  },
  {
    kind: 'zot',
    matches: (signals) =>
      Object.entries(signals.headers).some(([name, value]) => name.startsWith('x-zot') || (name === 'server' && /\bzot\b/i.test(value))),
  },
  { kind: 'distribution', matches: (signals) => 'docker-distribution-api-version' in signals.headers },
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
