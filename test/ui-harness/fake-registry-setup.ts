// Probing and connecting a registry in the harness's fake Api, answering as main does
// (electron/session/registry-probe.ts, registry-connect.ts): a bare address is tried over https
// first; `*.lab.internal` registries present certificates the system does not trust — `split.`
// ones also send Berth to a token server on another host and port with its own certificate;
// `gitlab` registries send Berth to their GitLab instance's /jwt/auth; `unreachable` refuses the
// connection; the password `wrong` is refused; the user `keychain-locked` fails at the keychain.
import { BerthError } from '../../shared/errors'
import type { Api, ApiRequests } from '../../shared/ipc'
import { planRegistryAddress } from '../../shared/registry-address'
import type { GitlabTokenReport } from '../../shared/registry-setup'
import { capabilitiesFor } from '../../shared/registry-capabilities'
import type { CertificateInfo, HostTrust, ProbeResult, RegistryView } from '../../shared/types'

type RegistrySetupApi = Pick<Api, 'probeRegistry' | 'connectRegistry'>

export const untrustedCertificate: CertificateInfo = {
  subject: 'CN=registry.lab.internal, O=ACME Lab',
  issuer: 'CN=ACME Lab Root CA, O=ACME Lab',
  validFrom: '2026-01-10T00:00:00.000Z',
  validTo: '2027-01-10T00:00:00.000Z',
  fingerprint256: '5E:1A:9C:33:70:0B:D2:8F:41:6A:C7:19:E4:0D:5B:88:2C:91:3F:A6:07:E8:54:BD:19:C2:6F:30:8A:DE:47:11',
  serialNumber: '4F3A21C09D7E11B2',
  selfSigned: false,
}

export const realmCertificate: CertificateInfo = {
  subject: 'CN=auth.lab.internal',
  issuer: 'CN=auth.lab.internal',
  validFrom: '2026-02-01T00:00:00.000Z',
  validTo: '2027-02-01T00:00:00.000Z',
  fingerprint256: 'A7:03:4E:91:C2:5B:18:F0:6D:3A:E9:52:0C:B4:77:1F:88:2E:D5:46:9B:01:FC:63:3D:A8:10:5E:C7:92:4B:E6',
  serialNumber: '01B7E2',
  selfSigned: true,
}

const authority = (url: string): string => {
  const parsed = new URL(url)
  return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`
}

interface FakeDeps {
  registries: RegistryView[]
  upsert: (view: RegistryView) => RegistryView
  wait: <T>(value: T, ms?: number) => Promise<T>
  nextId: () => number
}

function fail(data: ConstructorParameters<typeof BerthError>[0]): never {
  throw new BerthError(data)
}

export function fakeRegistrySetupApi(deps: FakeDeps): RegistrySetupApi {
  const probe = (request: ApiRequests['probeRegistry']): ProbeResult => {
    const insecure = request.insecure ?? false
    const plan = planRegistryAddress(request.url, { insecure })
    if (plan === null)
      fail({
        code: 'invalid_input',
        message: `"${request.url}" is not a registry address Berth can use.`,
        fix: 'Write it as host, host:port or https://host[:port].',
      })
    if (plan.host.startsWith('unreachable')) {
      fail({
        code: 'network',
        message: `Connection refused by ${plan.host}.`,
        fix: 'Check the host and port, and that the registry is running.',
      })
    }
    const url = plan.first
    const trusted = (host: string, certificate: CertificateInfo): boolean =>
      request.trust?.caPem !== undefined ||
      (request.trust?.pins ?? []).some((pin) => pin.host === host && pin.fingerprint === certificate.fingerprint256)
    const hosts: HostTrust[] = []
    const addHost = (host: string, role: HostTrust['role'], certificate: CertificateInfo | null): void => {
      const ok = certificate === null || trusted(host, certificate)
      hosts.push({
        host,
        role,
        ...(certificate ? { certificate } : {}),
        trusted: ok,
        ...(ok ? {} : { problem: certificate?.selfSigned ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      })
    }
    const lab = plan.host.includes('lab.internal')
    if (url.startsWith('https:')) addHost(authority(url), 'registry', lab ? untrustedCertificate : null)
    if (plan.host.includes('gitlab')) {
      const gitlabUrl = `https://${plan.host.replace(/^registry\./, '').replace(/:\d+$/, '')}`
      addHost(authority(gitlabUrl), 'token-realm', null)
      return { url, auth: 'bearer', realm: `${gitlabUrl}/jwt/auth`, service: 'container_registry', kind: 'gitlab', hosts, gitlabUrl }
    }
    if (plan.host.startsWith('split.')) {
      addHost('auth.lab.internal:8443', 'token-realm', realmCertificate)
      return {
        url,
        auth: 'bearer',
        realm: 'https://auth.lab.internal:8443/token',
        service: 'registry',
        kind: 'distribution',
        hosts,
        ...(lab ? { certificate: untrustedCertificate, tlsTrusted: hosts[0]?.trusted ?? false } : {}),
      }
    }
    if (lab)
      return { url, auth: 'open', kind: 'distribution', certificate: untrustedCertificate, tlsTrusted: hosts[0]?.trusted ?? false, hosts }
    return { url, auth: 'bearer', realm: `${url}/token`, service: 'registry', kind: 'distribution', hosts }
  }

  const connect = (request: ApiRequests['connectRegistry']) => {
    const { profile, credential } = request
    const host = new URL(profile.url).host
    if (credential?.secret === 'wrong') {
      fail({
        code: 'unauthorized',
        status: 401,
        message: `${host} refused these credentials (HTTP 401: authentication required).`,
        fix: 'Check the username and the password or token (its scopes, its expiry). Nothing was saved.',
      })
    }
    if (credential?.username === 'keychain-locked') {
      fail({
        code: 'keychain_unavailable',
        message: 'The system keychain did not answer within 2 s.',
        fix: 'Unlock the keychain (or start one) and try again. Nothing was saved.',
      })
    }
    const existing = profile.id ? deps.registries.find((r) => r.id === profile.id) : undefined
    const kind = profile.kind ?? existing?.kind ?? 'generic'
    const pins = request.trust?.pins ?? []
    const registryPin = pins.find((pin) => pin.host === authority(profile.url))
    const view: RegistryView = {
      ...(existing ?? {}),
      id: existing?.id ?? `new-${deps.nextId()}`,
      name: profile.name,
      url: profile.url,
      kind,
      username: credential?.username ?? profile.username,
      authMode: profile.authMode ?? 'auto',
      insecure: profile.insecure ?? false,
      favorites: profile.favorites ?? existing?.favorites ?? [],
      ...(profile.gitlabUrl ? { gitlabUrl: profile.gitlabUrl } : {}),
      ...(registryPin ? { pinnedFingerprint: registryPin.fingerprint } : {}),
      ...(request.trust?.caPem ? { caPem: request.trust.caPem } : {}),
      ...(pins.length > (registryPin ? 1 : 0) ? { hostPins: pins.filter((pin) => pin !== registryPin) } : {}),
      hasCredential: credential !== undefined || (existing?.hasCredential ?? false),
      capabilities: capabilitiesFor(kind),
    }
    const gitlab: GitlabTokenReport | undefined =
      kind === 'gitlab' && credential
        ? credential.secret.startsWith('gldt-')
          ? { instanceUrl: `https://${host.replace(/^registry\./, '')}`, kind: 'deploy', scopes: null, canList: false, canDelete: null }
          : {
              instanceUrl: `https://${host.replace(/^registry\./, '')}`,
              kind: 'personal',
              scopes: ['read_api', 'read_registry'],
              canList: true,
              canDelete: false,
              expiresAt: '2027-01-31',
            }
        : undefined
    return {
      view: deps.upsert(view),
      access: credential || existing?.hasCredential ? ('signed-in' as const) : ('anonymous' as const),
      ...(gitlab ? { gitlab } : {}),
    }
  }

  return {
    probeRegistry: (request) => Promise.resolve().then(() => deps.wait(probe(request), 300)),
    connectRegistry: (request) => Promise.resolve().then(() => deps.wait(connect(request), 300)),
  }
}
