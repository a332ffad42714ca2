// Before a registry is saved: where it answers (https first, plain http only where
// shared/registry-address.ts allows it), what auth it wants, what kind it is, and — for every https
// host it sends Berth to (itself, its token realm, GitLab's API) — the certificate presented and
// whether the trust chosen so far covers it. Nothing is saved and no credential is sent: the one
// request to the registry is an anonymous GET /v2/ (docs/registry-notes.md "TLS", "Auth").
import { BerthError } from '../../shared/errors'
import type { TrustChoice } from '../../shared/ipc'
import { planRegistryAddress } from '../../shared/registry-address'
import { describeCertificateProblem, hostRoleLabel } from '../../shared/registry-setup'
import type { HostTrust, ProbeResult, RegistryProfile } from '../../shared/types'
import type { RegistryEndpoint, TlsTrust } from '../http/client-types'
import { isPlainHttpAnswer } from '../http/plain-http-fallback'
import { parseRegistryAddress } from '../http/reference'
import { createRegistryClient } from '../http/registry-client'
import { instanceUrlFromRealm } from '../providers/gitlab/gitlab-provider'
import { detectRegistryKind } from '../stores/profiles/profile-store'
import { normalizeFingerprint, resolveTrust, validateCaPem } from '../stores/profiles/profile-trust'
import { canonicalAuthority, pinnedHostsOf } from '../trust/host-pins'
import { inspectServerTrust, type ServerTrust } from '../trust/server-trust'

/** A profile not saved yet: the saved one (or a new one's defaults) at `url`, with the trust chosen so far. */
export function candidateProfile(
  saved: RegistryProfile | undefined,
  url: string,
  insecure: boolean,
  choice: TrustChoice | undefined,
): RegistryProfile {
  const base: RegistryProfile = saved ?? {
    id: 'candidate',
    name: new URL(url).host,
    url,
    kind: 'generic',
    authMode: 'auto',
    insecure,
    favorites: [],
  }
  const profile: RegistryProfile = { ...base, url, insecure }
  if (choice?.caPem !== undefined) profile.caPem = validateCaPem(choice.caPem)
  const registryAuthority = canonicalAuthority(new URL(url).host)
  for (const pin of choice?.pins ?? []) {
    const authority = canonicalAuthority(pin.host)
    const fingerprint = normalizeFingerprint(pin.fingerprint)
    if (authority === registryAuthority) profile.pinnedFingerprint = fingerprint
    else
      profile.hostPins = [
        ...(profile.hostPins ?? []).filter((p) => canonicalAuthority(p.host) !== authority),
        { host: authority, fingerprint },
      ]
  }
  return profile
}

/** The host a URL connects to, as certificates and pins name it. */
function urlAuthority(url: string): string {
  return canonicalAuthority(new URL(url).host)
}

function hostTrust(check: ServerTrust, role: HostTrust['role']): HostTrust {
  return {
    host: check.authority,
    role,
    certificate: check.certificate,
    trusted: check.trusted,
    ...(check.problem !== undefined ? { problem: check.problem } : {}),
  }
}

function plainHttpRefused(endpoint: RegistryEndpoint): BerthError {
  return new BerthError({
    code: 'network',
    message: `${endpoint.host} answers in plain HTTP, not HTTPS.`,
    fix:
      'If this registry really serves plain HTTP, allow it: tick "Allow plain HTTP" in the dialog, or pass --insecure ' +
      '(loopback registries are always allowed). Otherwise check the port.',
  })
}

export interface ProbeRequest {
  /** As typed: host[:port] or a URL. */
  url: string
  insecure?: boolean
  trust?: TrustChoice
}

/** Probes `request.url` as `saved` (when editing) would be reached with the trust chosen so far. */
export async function probeRegistryAddress(
  request: ProbeRequest,
  saved: RegistryProfile | undefined,
  options: { certsDirs?: string[] },
): Promise<ProbeResult> {
  const insecure = request.insecure ?? saved?.insecure ?? false
  const plan = planRegistryAddress(request.url, { insecure })
  // Without a plan the address is not one: parseRegistryAddress says what is wrong with it.
  let endpoint = parseRegistryAddress(plan?.first ?? request.url, { insecure })
  let candidate = candidateProfile(saved, endpoint.url, insecure, request.trust)
  const anchorsOf = (trust: TlsTrust) => ({ caPems: trust.caPems, pins: pinnedHostsOf(urlAuthority(endpoint.url), trust) })
  const hosts: HostTrust[] = []
  let registryCheck: ServerTrust | undefined
  if (endpoint.url.startsWith('https:')) {
    try {
      registryCheck = await inspectServerTrust(urlAuthority(endpoint.url), anchorsOf(resolveTrust(candidate, options)))
      hosts.push(hostTrust(registryCheck, 'registry'))
    } catch (error) {
      if (!isPlainHttpAnswer(error)) throw error
      if (!plan?.fallback) throw plainHttpRefused(endpoint)
      endpoint = parseRegistryAddress(plan.fallback, { insecure })
      candidate = { ...candidate, url: endpoint.url }
    }
  }
  const trust = resolveTrust(candidate, options)
  // An untrusted registry is read once more, pinned to the certificate just seen, for the one
  // anonymous GET /v2/ that says where its tokens come from: nothing secret is sent.
  const pingTrust: TlsTrust =
    registryCheck && !registryCheck.trusted ? { ...trust, pinnedFingerprint: registryCheck.certificate.fingerprint256 } : trust
  const client = createRegistryClient({ endpoint, trust: pingTrust })
  let ping: Awaited<ReturnType<typeof client.ping>>
  try {
    ping = await client.ping()
  } finally {
    await client.close()
  }
  const kind = detectRegistryKind({ headers: ping.headers, realm: ping.realm, service: ping.service }, endpoint.url)

  const anchors = anchorsOf(trust)
  const checkHost = async (url: string, role: HostTrust['role']): Promise<void> => {
    if (!url.startsWith('https:')) return
    const authority = urlAuthority(url)
    if (hosts.some((host) => host.host === authority)) return
    try {
      hosts.push(hostTrust(await inspectServerTrust(authority, anchors), role))
    } catch (error) {
      const what = hostRoleLabel(role)
      throw new BerthError(
        {
          code: error instanceof BerthError ? error.code : 'network',
          message:
            `${endpoint.host} sends Berth to its ${what} at ${authority}, which could not be reached: ` +
            (error instanceof Error ? error.message : String(error)),
          fix: `Check that ${authority} is reachable from this machine (the registry's auth.token.realm names it).`,
        },
        { cause: error },
      )
    }
  }
  if (ping.auth === 'bearer' && ping.realm !== undefined) await checkHost(ping.realm, 'token-realm')
  const gitlabUrl = kind === 'gitlab' ? (saved?.gitlabUrl ?? (ping.realm !== undefined ? instanceUrlFromRealm(ping.realm) : null)) : null
  if (gitlabUrl !== null && gitlabUrl !== undefined) await checkHost(gitlabUrl, 'gitlab-api')

  return {
    url: endpoint.url,
    auth: ping.auth,
    ...(ping.realm !== undefined ? { realm: ping.realm } : {}),
    ...(ping.service !== undefined ? { service: ping.service } : {}),
    kind,
    ...(registryCheck ? { certificate: registryCheck.certificate, tlsTrusted: registryCheck.trusted } : {}),
    hosts,
    ...(gitlabUrl ? { gitlabUrl } : {}),
  }
}

/** "the token server localhost:5443" */
export function describeHost(host: HostTrust): string {
  return `the ${hostRoleLabel(host.role)} ${host.host}`
}

/**
 * The probe found certificates nobody trusts yet: an error naming each host (the token server on
 * another host too) and how to review and trust them — for the CLI, which has no trust step.
 */
export function untrustedHostsError(registry: string, hosts: readonly HostTrust[]): BerthError {
  const untrusted = hosts.filter((host) => !host.trusted)
  const why = (host: HostTrust): string => (host.problem ? describeCertificateProblem(host.problem) : '')
  const named = untrusted.map((host) => `${describeHost(host)}${host.problem ? ` (${why(host)})` : ''}`)
  const list = named.length <= 1 ? (named[0] ?? '') : `${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`
  const first = untrusted.find((host) => host.certificate !== undefined)?.certificate
  return new BerthError({
    code: 'tls_untrusted',
    message:
      untrusted.length === 1 && untrusted[0]?.role === 'registry'
        ? `The certificate of ${registry} is not trusted${untrusted[0].problem ? `: ${why(untrusted[0])}` : ''}.`
        : `${registry} sends Berth to hosts whose certificate is not trusted: ${list}.`,
    fix:
      `Review ${untrusted.length === 1 ? 'it' : 'them'} with: berth trust ${registry} --show; then trust ` +
      `${untrusted.length === 1 ? 'it' : 'them'} with --fingerprint (once per certificate) ` +
      'or --ca FILE (a CA that issued every one). Nothing was stored.',
    ...(first ? { certificate: first } : {}),
  })
}
