// The one core behind Berth's three doors (Electron IPC, web mode, CLI): the handler object that
// implements `Api` over the registry client, credentials, trust, caches and the audit log.
// It owns one RegistryClient per profile and drops it whenever what it was built from changes.
import { join } from 'node:path'
import type { Api, ApiRequests, ApiResponses, ProfileInput } from '../../shared/ipc'
import { BerthError } from '../../shared/errors'
import type { ProbeResult, RegistryProfile, RegistryView } from '../../shared/types'
import { garbageCollectionNote } from '../../shared/types'
import { createRegistryClient } from '../http/registry-client'
import { isLoopbackHost, parseRegistryAddress } from '../http/reference'
import { hostnameOf } from '../http/host-address'
import { withPlainHttpFallback } from '../http/plain-http-fallback'
import type { CredentialSource, RegistryClient, RegistryCredential, TlsTrust } from '../http/client-types'
import { loadTagDetails } from '../operations/tag-details'
import { cachedTagDetails } from '../operations/cached-details'
import { tagIndexForCache } from '../stores/cache/tag-index'
import { inspectReference } from '../operations/inspect'
import { deleteTags, previewDelete } from '../operations/delete-tags'
import { createDigestCache, type DigestCache } from '../stores/cache/digest-cache'
import { createAuditLog, type AuditLog } from '../stores/audit-log'
import { planCleanup, runCleanup } from '../operations/cleanup'
import { createCleanupRulesStore } from '../stores/cleanup-rules-store'
import { isGitlabProvider, noCatalogReason, providerFor, type RegistryProvider } from '../providers/provider'
import { createProfileStore, detectRegistryKind, type ProfileStore } from '../stores/profiles/profile-store'
import type { SecretStore } from '../stores/secrets/secret-store'
import { createKeychainStore } from '../stores/secrets/keychain-store'
import { credentialSourceFor } from '../stores/secrets/credential-source'
import { importLogins, scanLogins } from '../stores/docker-logins/docker-config'
import { resolveTrust, normalizeFingerprint, trustCa } from '../stores/profiles/profile-trust'

export interface AppCoreOptions {
  /** Where profiles, caches and the audit log live (Electron userData; ~/.config/berth for the CLI). */
  dataDirectory: string
  /** The OS keychain unless a test or a per-call CLI invocation passes its own. */
  secrets?: SecretStore
  env?: NodeJS.ProcessEnv
  /** Docker-style certs.d roots to search for per-registry CAs (defaults to the standard ones). */
  certsDirs?: string[]
  concurrency?: number
  /** Docker Hub API base URL (tests point it at a recording); default the public Hub API. */
  dockerHubApiUrl?: string
}

/** One-call overrides the CLI accepts: nothing here is stored. */
export interface ClientOverrides {
  caPems?: string[]
  insecure?: boolean
  /** Credentials for this call only (`--username --password-stdin`): never stored. */
  credentials?: RegistryCredential
}

export interface AppCore {
  api: Api
  profiles: ProfileStore
  secrets: SecretStore
  cache: DigestCache
  audit: AuditLog
  /** A client for a saved profile. */
  clientFor(registryId: string): { client: RegistryClient; profile: RegistryProfile }
  /** A client for a registry given by address, using its saved profile when there is one. */
  clientForAddress(address: string, overrides?: ClientOverrides): { client: RegistryClient; profile: RegistryProfile | null }
  close(): Promise<void>
}

export function createAppCore(options: AppCoreOptions): AppCore {
  const env = options.env ?? process.env
  const profiles = createProfileStore(join(options.dataDirectory, 'profiles.json'))
  const secrets = options.secrets ?? createKeychainStore()
  const cache = createDigestCache({ directory: join(options.dataDirectory, 'cache', 'digests') })
  const audit = createAuditLog(join(options.dataDirectory, 'audit.log'))
  const clients = new Map<string, RegistryClient>()
  // GitLab / Docker Hub: their own APIs for listing, details and deletes (null = the generic v2 path).
  const providers = new Map<string, RegistryProvider | null>()
  const cleanupRules = createCleanupRulesStore(join(options.dataDirectory, 'cleanup-rules.json'))

  function buildClient(profile: RegistryProfile, trust: TlsTrust, insecure: boolean, credentials: CredentialSource): RegistryClient {
    const endpoint = parseRegistryAddress(profile.url, { insecure })
    return createRegistryClient({
      endpoint,
      trust,
      credentials,
      maxConnections: options.concurrency ?? 32,
      // A token server that hands out a refresh token (OAuth2 offline access) replaces the password:
      // keep it in the keychain, never anywhere else.
      onRefreshToken: (token) => void secrets.set(`${profile.id}:refresh`, token).catch(() => undefined),
    })
  }

  async function forget(registryId: string): Promise<void> {
    const client = clients.get(registryId)
    clients.delete(registryId)
    const provider = providers.get(registryId)
    providers.delete(registryId)
    await provider?.close()
    await client?.close()
  }

  function providerOf(registryId: string): RegistryProvider | null {
    if (providers.has(registryId)) return providers.get(registryId) ?? null
    const { client, profile } = clientFor(registryId)
    const provider = providerFor({
      profile,
      client,
      credentials: credentialSourceFor(profile, secrets),
      trust: resolveTrust(profile, { certsDirs: options.certsDirs }),
      cache,
      audit,
      concurrency: options.concurrency ?? 16,
      ...(options.dockerHubApiUrl !== undefined ? { dockerHubApiUrl: options.dockerHubApiUrl } : {}),
    })
    providers.set(registryId, provider)
    return provider
  }

  function clientFor(registryId: string): { client: RegistryClient; profile: RegistryProfile } {
    const profile = profiles.get(registryId)
    if (!profile) {
      throw new BerthError({
        code: 'not_found',
        message: `No registry with id "${registryId}" is configured.`,
        fix: 'Add the registry first.',
      })
    }
    let client = clients.get(registryId)
    if (!client) {
      client = buildClient(
        profile,
        resolveTrust(profile, { certsDirs: options.certsDirs }),
        profile.insecure,
        credentialSourceFor(profile, secrets),
      )
      clients.set(registryId, client)
    }
    return { client, profile }
  }

  function clientForAddress(address: string, overrides: ClientOverrides = {}): { client: RegistryClient; profile: RegistryProfile | null } {
    const endpoint = parseRegistryAddress(address, { insecure: overrides.insecure ?? false })
    const saved = profiles.findByHost(endpoint.host) ?? null
    const profile: RegistryProfile = saved ?? {
      id: `adhoc:${endpoint.host}`,
      name: endpoint.host,
      url: endpoint.url,
      kind: 'generic',
      authMode: 'auto',
      insecure: overrides.insecure ?? false,
      favorites: [],
    }
    const trust = resolveTrust(profile, { certsDirs: options.certsDirs })
    const withOverrides: TlsTrust = { ...trust, caPems: [...trust.caPems, ...(overrides.caPems ?? [])] }
    // Per-call credentials win; an address with no saved profile is anonymous and never asks the keychain.
    const perCall = overrides.credentials
    const credentials: CredentialSource = perCall
      ? () => Promise.resolve(perCall)
      : saved
        ? credentialSourceFor(saved, secrets)
        : () => Promise.resolve(null)
    const insecure = overrides.insecure ?? profile.insecure
    const client = buildClient(profile, withOverrides, insecure, credentials)
    const bareAddress = !/^[a-z][a-z0-9+.-]*:\/\//i.test(address.trim())
    if (saved || !bareAddress || !endpoint.url.startsWith('https:') || !(insecure || isLoopbackHost(hostnameOf(endpoint.host)))) {
      return { client, profile: saved }
    }
    const plain = { ...profile, url: endpoint.url.replace(/^https:/, 'http:') }
    return { client: withPlainHttpFallback(client, () => buildClient(plain, withOverrides, true, credentials)), profile: saved }
  }

  async function view(profile: RegistryProfile): Promise<RegistryView> {
    // hasCredential is all the renderer ever learns about a secret.
    let hasCredential: boolean
    try {
      hasCredential = (await secrets.get(profile.id)) !== null || (await secrets.get(`${profile.id}:refresh`)) !== null
    } catch {
      // A locked or missing keychain must not hide the registry list: it just shows "not signed in".
      hasCredential = false
    }
    return { ...profile, hasCredential }
  }

  async function probe(req: ApiRequests['probeRegistry']): Promise<ProbeResult> {
    const saved = req.registryId ? profiles.get(req.registryId) : undefined
    const endpoint = parseRegistryAddress(req.url, { insecure: req.insecure ?? saved?.insecure ?? false })
    const trust: TlsTrust = saved ? resolveTrust(saved, { certsDirs: options.certsDirs }) : { caPems: [] }
    const client = createRegistryClient({ endpoint, trust })
    try {
      const ping = await client.ping()
      return {
        url: endpoint.url,
        auth: ping.auth,
        realm: ping.realm,
        service: ping.service,
        kind: detectRegistryKind({ headers: ping.headers, realm: ping.realm, service: ping.service }, endpoint.url),
        certificate: ping.certificate,
        tlsTrusted: endpoint.url.startsWith('https:') ? true : undefined,
      }
    } catch (error) {
      // An untrusted certificate is an answer, not a failure: the user decides after seeing it.
      if (error instanceof BerthError && (error.code === 'tls_untrusted' || error.code === 'tls_changed') && error.data.certificate) {
        return { url: endpoint.url, auth: 'open', kind: 'generic', certificate: error.data.certificate, tlsTrusted: false }
      }
      throw error
    } finally {
      await client.close()
    }
  }

  async function saveRegistry(input: ProfileInput): Promise<RegistryView> {
    const parsed = parseRegistryAddress(input.url, { insecure: input.insecure ?? false })
    const profile = input.id
      ? profiles.update(input.id, { ...input, url: parsed.url, kind: input.kind ?? profiles.get(input.id)?.kind ?? 'generic' })
      : profiles.save({ ...input, url: parsed.url, kind: input.kind ?? (await detectKindQuietly(input)) })
    await forget(profile.id)
    return view(profile)
  }

  async function detectKindQuietly(input: ProfileInput): Promise<RegistryProfile['kind']> {
    try {
      return (await probe({ url: input.url, insecure: input.insecure ?? false })).kind
    } catch {
      return 'generic'
    }
  }

  const api: Api = {
    async listRegistries() {
      return Promise.all(profiles.list().map(view))
    },
    saveRegistry: ({ profile }) => saveRegistry(profile),
    async removeRegistry({ registryId }) {
      await forget(registryId)
      await secrets.delete(registryId)
      await secrets.delete(`${registryId}:refresh`)
      profiles.remove(registryId)
      return null
    },
    async login({ registryId, username, secret }) {
      const profile = profiles.update(registryId, { username })
      await secrets.set(registryId, secret)
      await secrets.delete(`${registryId}:refresh`)
      await forget(registryId)
      return view(profile)
    },
    async logout({ registryId }) {
      await secrets.delete(registryId)
      await secrets.delete(`${registryId}:refresh`)
      await forget(registryId)
      return view(mustGet(profiles, registryId))
    },
    probeRegistry: (req) => probe(req),
    async trustCertificate(req) {
      const profile =
        'fingerprint' in req
          ? profiles.update(req.registryId, { pinnedFingerprint: normalizeFingerprint(req.fingerprint) })
          : trustCa(profiles, req.registryId, req.caPem)
      await forget(req.registryId)
      return view(profile)
    },
    async addFavorite({ registryId, repository }) {
      const profile = mustGet(profiles, registryId)
      const favorites = profile.favorites.includes(repository) ? profile.favorites : [...profile.favorites, repository]
      return view(profiles.update(registryId, { favorites }))
    },
    async removeFavorite({ registryId, repository }) {
      const profile = mustGet(profiles, registryId)
      return view(profiles.update(registryId, { favorites: profile.favorites.filter((r) => r !== repository) }))
    },
    async listRepositories({ registryId }) {
      const provider = providerOf(registryId)
      if (provider) return provider.listRepositories()
      const { client, profile } = clientFor(registryId)
      const listing = await client.catalog()
      const repositories = [...new Set([...listing.repositories, ...profile.favorites])].sort()
      const reason = listing.catalog === 'unavailable' ? noCatalogReason(profile.kind) : null
      return reason ? { ...listing, repositories, reason } : { ...listing, repositories }
    },
    async listTags({ registryId, repository }) {
      const provider = providerOf(registryId)
      if (provider) return provider.listTags(repository)
      const { client } = clientFor(registryId)
      return { repository, tags: await client.listTags(repository) }
    },
    async getTagDetails({ registryId, repository, tags }) {
      const provider = providerOf(registryId)
      if (provider) return provider.getTagDetails(repository, tags)
      const { client } = clientFor(registryId)
      // The renderer asks in batches of ~50: the cache and hints persist on their own timers and at close().
      return loadTagDetails(client, repository, tags, { cache, concurrency: options.concurrency ?? 32, persist: 'background' })
    },
    async getCachedTagDetails({ registryId, repository }) {
      // GitLab and Docker Hub rows come from their own APIs, which this cache does not hold.
      if (providerOf(registryId)) return { repository, tags: {}, details: [] }
      const { client } = clientFor(registryId)
      return cachedTagDetails(cache, client.endpoint.host, repository)
    },
    async inspect({ registryId, repository, reference }) {
      const { client } = clientFor(registryId)
      return inspectReference(client, repository, reference, { cache })
    },
    async previewDelete({ registryId, repository, tags, mode }) {
      const { client } = clientFor(registryId)
      return previewDelete(client, repository, tags, mode)
    },
    async deleteTags({ registryId, repository, tags, mode, expectedDigests }) {
      const provider = providerOf(registryId)
      if (provider) return { results: await provider.deleteTags(repository, tags, mode, expectedDigests), note: garbageCollectionNote }
      const { client, profile } = clientFor(registryId)
      const results = await deleteTags(client, repository, tags, mode, {
        expectedDigests,
        audit,
        registry: new URL(profile.url).host,
      })
      return { results, note: garbageCollectionNote }
    },
    scanDockerLogins: async () => scanLogins(env, profiles),
    async importDockerLogins({ keys }) {
      const imported = await importLogins(keys, { profiles, secrets, env })
      return Promise.all(imported.map(view))
    },
    async readAuditLog({ limit }) {
      return audit.read(limit ?? 200)
    },
    async previewCleanup({ registryId, repository, rules, selection }) {
      const { client } = clientFor(registryId)
      return planCleanup(client, repository, rules, { cache, concurrency: options.concurrency ?? 16, ...(selection ? { selection } : {}) })
    },
    async runCleanup({ registryId, repository, tags, expectedDigests }) {
      const { client, profile } = clientFor(registryId)
      const run = await runCleanup(client, repository, tags, expectedDigests, { audit, registry: new URL(profile.url).host })
      return { results: run.results, removed: run.removed, failed: [...run.failed, ...run.cancelled], note: garbageCollectionNote }
    },
    async saveCleanupRules({ registryId, repository, rules }) {
      mustGet(profiles, registryId)
      return cleanupRules.save(registryId, repository, rules)
    },
    async loadCleanupRules({ registryId, repository }) {
      return cleanupRules.load(registryId, repository)
    },
    async submitGitlabBulkDelete({ registryId, repository, nameRegexDelete, nameRegexKeep, keepN, olderThan }) {
      const provider = providerOf(registryId)
      if (!isGitlabProvider(provider)) {
        throw new BerthError({
          code: 'unsupported',
          message: 'Bulk cleanup through the provider API exists only for GitLab registries.',
          fix: 'Use the cleanup rules instead.',
        })
      }
      return provider.submitBulkDelete(repository, {
        nameRegexDelete,
        ...(nameRegexKeep !== undefined ? { nameRegexKeep } : {}),
        ...(keepN !== undefined ? { keepN } : {}),
        ...(olderThan !== undefined ? { olderThan } : {}),
      })
    },
  } satisfies { [K in keyof ApiResponses]: (req: ApiRequests[K]) => Promise<ApiResponses[K]> }

  return {
    api,
    profiles,
    secrets,
    cache,
    audit,
    clientFor,
    clientForAddress,
    async close() {
      const all = [...clients.values()]
      const allProviders = [...providers.values()]
      clients.clear()
      providers.clear()
      await Promise.all(allProviders.map((p) => (p ? p.close() : Promise.resolve())))
      await Promise.all([...all.map((c) => c.close()), cache.flush(), tagIndexForCache(cache).flush()])
    },
  }
}

function mustGet(profiles: ProfileStore, registryId: string): RegistryProfile {
  const profile = profiles.get(registryId)
  if (!profile) throw new BerthError({ code: 'not_found', message: `No registry with id "${registryId}" is configured.` })
  return profile
}
