// The handler table that implements `Api` (shared/ipc.ts) over the engine: profile, keychain and
// trust management here; every registry operation through the registry's session. The Electron
// IPC and the web mode reach it through the dispatcher (electron/doors/api-dispatch.ts), which has
// validated each request against its schema already.
import { BerthError } from '../../shared/errors'
import type { Api, ApiRequests, ApiResponses, ProfileInput } from '../../shared/ipc'
import { garbageCollectionNote, type ProbeResult, type RegistryProfile, type RegistryView } from '../../shared/types'
import { parseRegistryAddress } from '../http/reference'
import { importLogins, scanLogins } from '../stores/docker-logins/docker-config'
import type { ProfileStore } from '../stores/profiles/profile-store'
import { normalizeFingerprint, pinHost, trustCa } from '../stores/profiles/profile-trust'
import { connectDepsOf, connectRegistry } from './registry-connect'
import { probeRegistryAddress } from './registry-probe'
import type { EngineCore } from './engine'
import { garbageCollectionAdvice } from '../../shared/usage'
import { createDetailsJobs } from './details-jobs'
import { reportListingProgress } from './listing-progress'
import { copySelectionOf, createCopyJobs } from './copy-jobs'
import { createUsageJobs } from './usage-jobs'
import { createCiAuthHandlers } from './ci-auth-handlers'
import { createSignatureHandlers } from './signature-handlers'
import { parsePlatformSelector } from '../../shared/platform'

export interface ApiHandlers {
  api: Api
  /** Stops every details job and every copy. */
  close(): Promise<void>
}

export function createApiHandlers(engine: EngineCore): ApiHandlers {
  const { profiles, secrets, audit, cleanupRules } = engine
  const env = engine.options.env ?? process.env
  const detailsJobs = createDetailsJobs(engine)
  const copyJobs = createCopyJobs(engine)
  const usageJobs = createUsageJobs(engine)
  const ciAuth = createCiAuthHandlers(engine)
  /** When each registry's last quota report was first seen: the transport keeps only the report. */
  const quotaSeen = new Map<string, { report: object; seenAt: string }>()

  function probe(request: ApiRequests['probeRegistry']): Promise<ProbeResult> {
    const saved = request.registryId ? profiles.get(request.registryId) : undefined
    return probeRegistryAddress(request, saved, { certsDirs: engine.options.certsDirs })
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
      await ciAuth.forgetRegistry(registryId)
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
    async connectRegistry(request) {
      const { profile, ...checked } = await connectRegistry(connectDepsOf(engine), request)
      return { view: await engine.view(profile), ...checked }
    },
    async trustCertificate(request) {
      const profile =
        'fingerprint' in request
          ? request.host !== undefined
            ? pinHost(profiles, request.registryId, request.host, request.fingerprint)
            : profiles.update(request.registryId, { pinnedFingerprint: normalizeFingerprint(request.fingerprint) })
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
    listRepositories: ({ registryId }) =>
      reportListingProgress(
        'repositories',
        (count) => engine.emit('listingProgress', { registryId, repository: null, ...count }),
        () => engine.session(registryId).listRepositories(),
      ),
    listTags: ({ registryId, repository }) =>
      reportListingProgress(
        'tags',
        (count) => engine.emit('listingProgress', { registryId, repository, ...count }),
        () => engine.session(registryId).listTags(repository),
      ),
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
    inspect({ registryId, repository, reference, platform }) {
      const selector = platform === undefined ? null : parsePlatformSelector(platform)
      return engine.session(registryId).inspect(repository, reference, selector ? { platform: selector } : {})
    },
    previewDelete: ({ registryId, repository, tags, mode }) => engine.session(registryId).previewDelete(repository, tags, mode),
    async deleteTags({ registryId, repository, tags, mode, expectedDigests, referrers }) {
      const results = await engine
        .session(registryId)
        .deleteTags(repository, { tags, mode, expectedDigests, ...(referrers && referrers.length > 0 ? { referrers } : {}) })
      return { results, note: garbageCollectionNote }
    },
    scanDockerLogins: async () => scanLogins(env, profiles),
    async importDockerLogins({ keys }) {
      const imported = await importLogins(keys, { profiles, secrets, env })
      return Promise.all(imported.map((profile) => engine.view(profile)))
    },
    async readAuditLog({ limit, registryId, repository }) {
      // The host the registry's session records, exactly (host[:port], as in image references).
      const registry = registryId !== undefined ? engine.session(registryId).registry : undefined
      return audit.read(limit ?? 200, {
        ...(registry !== undefined ? { registry } : {}),
        ...(repository !== undefined ? { repository } : {}),
      })
    },
    getRateLimit({ registryId }) {
      const report = engine.session(registryId).rateLimit()
      if (report === null) return Promise.resolve(null)
      const known = quotaSeen.get(registryId)
      const seen = known?.report === report ? known : { report, seenAt: new Date().toISOString() }
      quotaSeen.set(registryId, seen)
      return Promise.resolve({ ...report, seenAt: seen.seenAt })
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
    async planCopy(request) {
      const sessions = { source: engine.session(request.source.registryId), destination: engine.session(request.destination.registryId) }
      return (await engine.copies.plan(sessions, copySelectionOf(request))).plan
    },
    startCopy: (request) => copyJobs.start(request),
    cancelCopy({ jobId }) {
      copyJobs.cancel(jobId)
      return Promise.resolve(null)
    },
    ...ciAuth.api,
    startUsage: (request) => {
      try {
        return Promise.resolve(usageJobs.start(request))
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      }
    },
    cancelUsage({ jobId }) {
      usageJobs.cancel(jobId)
      return Promise.resolve(null)
    },
    previewUntaggedDelete: ({ registryId, repository, digests }) => engine.session(registryId).previewUntaggedDelete(repository, digests),
    async deleteUntagged({ registryId, repository, digests }) {
      const session = engine.session(registryId)
      const results = await session.deleteUntagged(repository, digests)
      return { results, note: garbageCollectionAdvice(session.profile?.kind ?? 'generic') }
    },
    ...createSignatureHandlers(engine),
  } satisfies { [K in keyof ApiResponses]: (request: ApiRequests[K]) => Promise<ApiResponses[K]> }
  return {
    api,
    close: async () => {
      await Promise.all([ciAuth.close(), detailsJobs.close(), copyJobs.close(), usageJobs.close()])
    },
  }
}

function mustGet(profiles: ProfileStore, registryId: string): RegistryProfile {
  const profile = profiles.get(registryId)
  if (!profile) throw new BerthError({ code: 'not_found', message: `No registry with id "${registryId}" is configured.` })
  return profile
}
