// The handler table that implements `Api` (shared/ipc.ts) over the engine: profile, keychain and
// trust management here; every registry operation through the registry's session. The Electron
// IPC and the web mode reach it through the dispatcher (electron/doors/api-dispatch.ts), which has
// validated each request against its schema already.
import { BerthError } from '../../shared/errors'
import type { Api, ApiRequests, ApiResponses, ProfileInput } from '../../shared/ipc'
import { garbageCollectionNote, type ProbeResult, type RegistryProfile, type RegistryView } from '../../shared/types'
import type { TlsTrust } from '../http/client-types'
import { parseRegistryAddress } from '../http/reference'
import { createRegistryClient } from '../http/registry-client'
import { importLogins, scanLogins } from '../stores/docker-logins/docker-config'
import { detectRegistryKind, type ProfileStore } from '../stores/profiles/profile-store'
import { normalizeFingerprint, resolveTrust, trustCa } from '../stores/profiles/profile-trust'
import type { EngineCore } from './engine'
import { createDetailsJobs } from './details-jobs'

export interface ApiHandlers {
  api: Api
  /** Stops every details job. */
  close(): Promise<void>
}

export function createApiHandlers(engine: EngineCore): ApiHandlers {
  const { profiles, secrets, audit, cleanupRules } = engine
  const env = engine.options.env ?? process.env
  const detailsJobs = createDetailsJobs(engine)

  async function probe(request: ApiRequests['probeRegistry']): Promise<ProbeResult> {
    const saved = request.registryId ? profiles.get(request.registryId) : undefined
    const endpoint = parseRegistryAddress(request.url, { insecure: request.insecure ?? saved?.insecure ?? false })
    const trust: TlsTrust = saved ? resolveTrust(saved, { certsDirs: engine.options.certsDirs }) : { caPems: [] }
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
      const untrusted = error instanceof BerthError && (error.code === 'tls_untrusted' || error.code === 'tls_changed')
      if (untrusted && error.data.certificate) {
        return { url: endpoint.url, auth: 'open', kind: 'generic', certificate: error.data.certificate, tlsTrusted: false }
      }
      throw error
    } finally {
      await client.close()
    }
  }

  async function detectKindQuietly(input: ProfileInput): Promise<RegistryProfile['kind']> {
    try {
      return (await probe({ url: input.url, insecure: input.insecure ?? false })).kind
    } catch {
      return 'generic'
    }
  }

  async function saveRegistry(input: ProfileInput): Promise<RegistryView> {
    const parsed = parseRegistryAddress(input.url, { insecure: input.insecure ?? false })
    const profile = input.id
      ? profiles.update(input.id, { ...input, url: parsed.url, kind: input.kind ?? profiles.get(input.id)?.kind ?? 'generic' })
      : profiles.save({ ...input, url: parsed.url, kind: input.kind ?? (await detectKindQuietly(input)) })
    await engine.forget(profile.id)
    return engine.view(profile)
  }

  const api = {
    async listRegistries() {
      return Promise.all(profiles.list().map((profile) => engine.view(profile)))
    },
    saveRegistry: ({ profile }) => saveRegistry(profile),
    async removeRegistry({ registryId }) {
      await engine.forget(registryId)
      await secrets.delete(registryId)
      await secrets.delete(`${registryId}:refresh`)
      profiles.remove(registryId)
      return null
    },
    async login({ registryId, username, secret }) {
      const before = mustGet(profiles, registryId)
      const profile = profiles.update(registryId, { username })
      try {
        await secrets.set(registryId, secret)
      } catch (error) {
        // Nothing of a failed login may stay behind: the profile keeps the user it had.
        profiles.update(registryId, { username: before.username ?? null })
        throw error
      }
      await secrets.delete(`${registryId}:refresh`)
      await engine.forget(registryId)
      return engine.view(profile)
    },
    async logout({ registryId }) {
      await secrets.delete(registryId)
      await secrets.delete(`${registryId}:refresh`)
      await engine.forget(registryId)
      return engine.view(mustGet(profiles, registryId))
    },
    probeRegistry: (request) => probe(request),
    async trustCertificate(request) {
      const profile =
        'fingerprint' in request
          ? profiles.update(request.registryId, { pinnedFingerprint: normalizeFingerprint(request.fingerprint) })
          : trustCa(profiles, request.registryId, request.caPem)
      await engine.forget(request.registryId)
      return engine.view(profile)
    },
    async addFavorite({ registryId, repository }) {
      const profile = mustGet(profiles, registryId)
      const favorites = profile.favorites.includes(repository) ? profile.favorites : [...profile.favorites, repository]
      return engine.view(profiles.update(registryId, { favorites }))
    },
    async removeFavorite({ registryId, repository }) {
      const profile = mustGet(profiles, registryId)
      return engine.view(profiles.update(registryId, { favorites: profile.favorites.filter((name) => name !== repository) }))
    },
    listRepositories: ({ registryId }) => engine.session(registryId).listRepositories(),
    listTags: ({ registryId, repository }) => engine.session(registryId).listTags(repository),
    // The renderer asks in batches of ~50: the cache and hints persist on their own timers and at close().
    getTagDetails: ({ registryId, repository, tags }) =>
      engine.session(registryId).getTagDetails(repository, tags, { persist: 'background' }),
    getCachedTagDetails: ({ registryId, repository }) => engine.session(registryId).cachedTagDetails(repository),
    startTagDetails: ({ registryId, repository, visible, order }) =>
      detailsJobs.start(registryId, repository, { visible: visible ?? [], margin: [], ...(order ? { order } : {}) }),
    prioritizeTagDetails({ jobId, visible, margin, order, requeue }) {
      detailsJobs.prioritize(jobId, { visible, margin: margin ?? [], ...(order ? { order } : {}), ...(requeue ? { requeue } : {}) })
      return Promise.resolve(null)
    },
    stopTagDetails({ jobId }) {
      detailsJobs.stop(jobId)
      return Promise.resolve(null)
    },
    inspect: ({ registryId, repository, reference }) => engine.session(registryId).inspect(repository, reference),
    previewDelete: ({ registryId, repository, tags, mode }) => engine.session(registryId).previewDelete(repository, tags, mode),
    async deleteTags({ registryId, repository, tags, mode, expectedDigests }) {
      const results = await engine.session(registryId).deleteTags(repository, { tags, mode, expectedDigests })
      return { results, note: garbageCollectionNote }
    },
    scanDockerLogins: async () => scanLogins(env, profiles),
    async importDockerLogins({ keys }) {
      const imported = await importLogins(keys, { profiles, secrets, env })
      return Promise.all(imported.map((profile) => engine.view(profile)))
    },
    async readAuditLog({ limit }) {
      return audit.read(limit ?? 200)
    },
    previewCleanup: ({ registryId, repository, rules, selection }) =>
      engine.session(registryId).planCleanup(repository, rules, selection ? { selection } : {}),
    async runCleanup({ registryId, repository, tags, expectedDigests }) {
      const run = await engine.session(registryId).runCleanup(repository, tags, expectedDigests)
      return { results: run.results, removed: run.removed, failed: [...run.failed, ...run.cancelled], note: garbageCollectionNote }
    },
    async saveCleanupRules({ registryId, repository, rules }) {
      mustGet(profiles, registryId)
      return cleanupRules.save(registryId, repository, rules)
    },
    loadCleanupRules: ({ registryId, repository }) => cleanupRules.load(registryId, repository),
    submitGitlabBulkDelete: ({ registryId, repository, nameRegexDelete, nameRegexKeep, keepN, olderThan }) =>
      engine.session(registryId).submitServerCleanup(repository, {
        nameRegexDelete,
        ...(nameRegexKeep !== undefined ? { nameRegexKeep } : {}),
        ...(keepN !== undefined ? { keepN } : {}),
        ...(olderThan !== undefined ? { olderThan } : {}),
      }),
  } satisfies { [K in keyof ApiResponses]: (request: ApiRequests[K]) => Promise<ApiResponses[K]> }
  return { api, close: () => detailsJobs.close() }
}

function mustGet(profiles: ProfileStore, registryId: string): RegistryProfile {
  const profile = profiles.get(registryId)
  if (!profile) throw new BerthError({ code: 'not_found', message: `No registry with id "${registryId}" is configured.` })
  return profile
}
