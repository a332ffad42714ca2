// An in-memory `Api` with realistic data, so the renderer can be seen and driven before (and
// without) the real core: one registry with ~40 repositories, one without a catalog, one with an
// untrusted certificate. Errors are thrown as BerthErrors, as by main's handler table; installing
// it through `resultApiOf` (shared/api-bridge.ts) turns them into data as main's dispatcher does.
import { packCachedTagDetails } from '../../shared/cached-details'
import { BerthError, toErrorData, type BerthErrorData } from '../../shared/errors'
import type { Api, ApiRequests, DockerLoginCandidate } from '../../shared/ipc'
import {
  garbageCollectionNote,
  type CertificateInfo,
  type DeleteResult,
  type RegistryView,
  type TagDetails,
  type TagDetailsResult,
} from '../../shared/types'
import { evaluateCleanup, type CleanupTagInfo } from '../../shared/cleanup-rules'
import type { ApiEvents, SavedCleanupRules } from '../../shared/ipc'
import { garbageCollectionAdvice, type StorageEffect } from '../../shared/usage'
import { capabilitiesFor } from '../../shared/registry-capabilities'
import type { ApiWithEvents } from '../../renderer/src/api/call'
import {
  bigRepository,
  bigRepositoryTags,
  catalogRepositories,
  digestKey,
  makeImage,
  now,
  smallRepositoryTags,
  wideImageIndex,
  wideRepository,
  wideRepositoryTags,
  type FakeImage,
} from './fake-data'
import { fakeAuditEntries } from './fake-audit'
import { fakeCiAuthApi } from './fake-ci-auth'
import { fakeSignatureApi } from './fake-signatures'
import { fakeCopyApi } from './fake-copy'
import { fakeRegistrySetupApi } from './fake-registry-setup'
import { fakeUsageApi } from './fake-usage'

export interface FakeApiOptions {
  /** Start with no registries (the welcome screen). */
  empty?: boolean
  /** Milliseconds each call takes, so loading states are visible. */
  latencyMs?: number
  /**
   * Berth has verified these repositories in an earlier session: getCachedTagDetails answers from
   * that session's "cache", where a few tags have moved since, a few are new and one is gone.
   * Without it the cache holds only what getTagDetails answered in this session, as in the core.
   */
  seenBefore?: boolean
}

/** Tags whose cached digest is older than the registry's: the UI must show the verified one. */
export const movedSinceLastSession = new Set(['latest', 'develop', 'main', 'main-b11', 'pr-2407-b11'])
/** In the earlier session's cache only: deleted since. */
export const goneSinceLastSession = 'removed-last-week'

/** Tags pushed after the earlier session (every 50th, from the 8th): nothing cached for them. */
function newSinceLastSession(index: number): boolean {
  return index % 50 === 7
}

const untrustedCertificate: CertificateInfo = {
  subject: 'CN=registry.lab.internal, O=ACME Lab',
  issuer: 'CN=ACME Lab Root CA, O=ACME Lab',
  validFrom: '2026-01-10T00:00:00.000Z',
  validTo: '2027-01-10T00:00:00.000Z',
  fingerprint256: '5E:1A:9C:33:70:0B:D2:8F:41:6A:C7:19:E4:0D:5B:88:2C:91:3F:A6:07:E8:54:BD:19:C2:6F:30:8A:DE:47:11',
  serialNumber: '4F3A21C09D7E11B2',
  selfSigned: false,
}

function initialRegistries(): RegistryView[] {
  return [
    {
      id: 'acme',
      name: 'ACME registry',
      url: 'https://registry.acme.internal',
      kind: 'gitlab',
      username: 'jdoe',
      authMode: 'auto',
      insecure: false,
      favorites: [],
      hasCredential: true,
      capabilities: capabilitiesFor('gitlab'),
    },
    {
      id: 'mirror',
      name: 'Public mirror',
      url: 'https://mirror.example.org',
      kind: 'generic',
      authMode: 'auto',
      insecure: false,
      favorites: ['library/nginx', 'library/redis', 'bitnami/postgresql'],
      hasCredential: false,
      capabilities: capabilitiesFor('generic'),
    },
    {
      id: 'lab',
      name: 'Lab (self-signed)',
      url: 'https://registry.lab.internal:5000',
      kind: 'distribution',
      authMode: 'auto',
      insecure: false,
      favorites: [],
      hasCredential: false,
      capabilities: capabilitiesFor('distribution'),
    },
  ]
}

function fail(data: BerthErrorData): never {
  throw new BerthError(data)
}

export function createFakeApi(options: FakeApiOptions = {}): Api & { on: NonNullable<ApiWithEvents['on']> } {
  const latency = options.latencyMs ?? 120
  const registries: RegistryView[] = options.empty ? [] : initialRegistries()
  const tagsByRepo = new Map<string, string[]>()
  /** Tag → position in its repository's full list: `indexOf` over 10,000 tags per detail was quadratic. */
  const positions = new Map<string, Map<string, number>>()
  const deleted = new Set<string>()
  /** What getCachedTagDetails answers: the last verified details per tag, per repository. */
  const verifiedBefore = new Map<string, Map<string, TagDetails>>()
  /** One generated image per (repository, digest key): 10,000 wide tags share 1,000 images. */
  const images = new Map<string, FakeImage>()
  /** Tags written by fake copies (`registry/repository:tag`), and the repositories those created. */
  const copiedTags = new Map<string, FakeImage>()
  const createdRepositories = new Map<string, Set<string>>()
  const savedRules = new Map<string, SavedCleanupRules>()
  let nextId = 1

  const wait = <T>(value: T, ms = latency): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms))
  const registry = (id: string): RegistryView =>
    registries.find((r) => r.id === id) ?? fail({ code: 'not_found', message: `No registry with id ${id}.` })
  const key = (registryId: string, repo: string) => `${registryId}/${repo}`
  const tagsOf = (registryId: string, repo: string): string[] => {
    const k = key(registryId, repo)
    let tags = tagsByRepo.get(k)
    if (!tags) {
      tags =
        repo === bigRepository
          ? bigRepositoryTags()
          : repo === wideRepository
            ? wideRepositoryTags()
            : repo === 'sandbox/hello-world'
              ? []
              : smallRepositoryTags(repo)
      tagsByRepo.set(k, tags)
      positions.set(k, new Map(tags.map((t, i) => [t, i])))
    }
    return deleted.size === 0 ? tags : tags.filter((t) => !deleted.has(`${k}:${t}`))
  }
  const positionOf = (registryId: string, repo: string, tag: string): number | undefined => {
    tagsOf(registryId, repo)
    const k = key(registryId, repo)
    return deleted.has(`${k}:${tag}`) ? undefined : positions.get(k)?.get(tag)
  }
  const generated = (repo: string, tag: string, digestAt: string, index: number): FakeImage => {
    const k = `${repo}@${digestAt}`
    let img = images.get(k)
    if (!img) {
      img = makeImage(repo, tag, digestAt, index)
      images.set(k, img)
    }
    return img.details.tag === tag ? img : { ...img, details: { ...img.details, tag } }
  }
  const image = (registryId: string, repo: string, tag: string): FakeImage => {
    const index = positionOf(registryId, repo, tag)
    if (index === undefined)
      fail({ code: 'not_found', message: `${repo}:${tag} does not exist.`, status: 404, registryCode: 'MANIFEST_UNKNOWN' })
    const copied = copiedTags.get(`${key(registryId, repo)}:${tag}`)
    if (copied) return copied
    if (tag === 'broken-manifest') {
      fail({
        code: 'invalid_response',
        message: `The manifest of ${tag} is not valid JSON (truncated at byte 512).`,
        fix: 'Re-push the tag; the stored manifest is corrupt.',
      })
    }
    if (repo === wideRepository) {
      const at = wideImageIndex(tag)
      return generated(repo, tag, `ci-${at}`, at)
    }
    return generated(repo, tag, digestKey(tag), index)
  }
  /** The earlier session's view of a repository: what the tags pointed at then. */
  const earlierSession = (registryId: string, repo: string): Map<string, TagDetails> => {
    const remembered = new Map<string, TagDetails>()
    const tags = tagsOf(registryId, repo)
    tags.forEach((tag, index) => {
      if (tag === 'broken-manifest' || newSinceLastSession(index)) return
      if (movedSinceLastSession.has(tag)) {
        // The tag pointed at another (older) build then: same name, other digest, size and date.
        const then = generated(repo, tag, `${digestKey(tag)}@previous`, index + 400)
        remembered.set(tag, then.details)
      } else {
        remembered.set(tag, image(registryId, repo, tag).details)
      }
    })
    const sample = tags[0]
    if (sample !== undefined && sample !== 'broken-manifest')
      remembered.set(goneSinceLastSession, { ...image(registryId, repo, sample).details, tag: goneSinceLastSession })
    return remembered
  }
  const rememberedFor = (registryId: string, repo: string): Map<string, TagDetails> => {
    const k = key(registryId, repo)
    let remembered = verifiedBefore.get(k)
    if (!remembered) {
      remembered = options.seenBefore ? earlierSession(registryId, repo) : new Map()
      verifiedBefore.set(k, remembered)
    }
    return remembered
  }
  const upsert = (view: RegistryView): RegistryView => {
    const at = registries.findIndex((r) => r.id === view.id)
    if (at >= 0) registries[at] = view
    else registries.push(view)
    return view
  }

  /** What the core answers for one tag: its details, or the error the registry would cause. */
  const detailsRow = (registryId: string, repository: string, tag: string): TagDetailsResult => {
    const remembered = rememberedFor(registryId, repository)
    try {
      const details = image(registryId, repository, tag).details
      remembered.set(tag, details)
      return { tag, ok: true as const, details }
    } catch (error) {
      // The core keeps no hint for a tag it could not verify.
      remembered.delete(tag)
      return { tag, ok: false as const, error: toErrorData(error) }
    }
  }

  const listedRepositories = (registryId: string): string[] => {
    const listed = registryId === 'acme' ? catalogRepositories : registryId === 'lab' ? ['team/app', 'team/app/cache'] : []
    return [...new Set([...listed, ...(createdRepositories.get(registryId) ?? [])])].sort()
  }
  const repositoryExists = (registryId: string, repo: string): boolean =>
    tagsByRepo.has(key(registryId, repo)) || listedRepositories(registryId).includes(repo) || registry(registryId).favorites.includes(repo)
  const usage = fakeUsageApi({
    latencyMs: latency,
    tagsOf,
    image,
    // The wide repository's 10,000 tags would make every harness measurement slow: leave it out.
    repositories: (registryId) => listedRepositories(registryId).filter((r) => r !== wideRepository),
    kind: (registryId) => registry(registryId).kind,
  })
  const copies = fakeCopyApi({
    latencyMs: latency,
    wait,
    hostOf: (registryId) => new URL(registry(registryId).url).host,
    resolve: (registryId, repo, reference) => {
      if (!reference.startsWith('sha256:')) return image(registryId, repo, reference)
      for (const made of [...copiedTags.values(), ...images.values()]) if (made.details.digest === reference) return made
      return fail({ code: 'not_found', message: `${repo}@${reference} does not exist.`, status: 404, registryCode: 'MANIFEST_UNKNOWN' })
    },
    exists: (registryId, repo) => repositoryExists(registryId, repo),
    tagsOf: (registryId, repo) => tagsOf(registryId, repo),
    currentDigest: (registryId, repo, tag) => {
      if (!repositoryExists(registryId, repo)) return null
      try {
        return image(registryId, repo, tag).details.digest
      } catch {
        return null
      }
    },
    writeTag: (registryId, repo, tag, img) => {
      const k = key(registryId, repo)
      if (!repositoryExists(registryId, repo)) {
        tagsByRepo.set(k, [])
        positions.set(k, new Map())
        createdRepositories.set(registryId, new Set([...(createdRepositories.get(registryId) ?? []), repo]))
      }
      const tags = (tagsOf(registryId, repo), tagsByRepo.get(k) ?? [])
      deleted.delete(`${k}:${tag}`)
      if (!positions.get(k)?.has(tag)) {
        tags.push(tag)
        positions.get(k)?.set(tag, tags.length - 1)
      }
      copiedTags.set(`${k}:${tag}`, { ...img, details: { ...img.details, tag } })
    },
  })

  const api: Omit<Api, 'startTagDetails' | 'prioritizeTagDetails' | 'stopTagDetails'> = {
    listRegistries: () => wait(registries.map((r) => ({ ...r }))),
    saveRegistry: ({ profile }: ApiRequests['saveRegistry']) => {
      const existing = profile.id ? registries.find((r) => r.id === profile.id) : undefined
      const view: RegistryView = {
        id: profile.id ?? `new-${nextId++}`,
        name: profile.name,
        url: profile.url,
        kind: profile.kind ?? 'generic',
        username: profile.username,
        authMode: profile.authMode ?? 'auto',
        insecure: profile.insecure ?? false,
        favorites: profile.favorites ?? [],
        hasCredential: existing?.hasCredential ?? false,
        capabilities: capabilitiesFor(profile.kind ?? 'generic'),
      }
      return wait(upsert(view))
    },
    removeRegistry: ({ registryId }) => {
      const at = registries.findIndex((r) => r.id === registryId)
      if (at >= 0) registries.splice(at, 1)
      return wait(null)
    },
    login: ({ registryId, username }) => wait(upsert({ ...registry(registryId), username, hasCredential: true })),
    logout: ({ registryId }) => wait(upsert({ ...registry(registryId), hasCredential: false })),
    ...fakeRegistrySetupApi({ registries, upsert, wait, nextId: () => nextId++ }),
    trustCertificate: (req) =>
      wait(
        upsert({ ...registry(req.registryId), ...('fingerprint' in req ? { pinnedFingerprint: req.fingerprint } : { caPem: req.caPem }) }),
      ),
    addFavorite: ({ registryId, repository }) => {
      const r = registry(registryId)
      return wait(upsert({ ...r, favorites: [...new Set([...r.favorites, repository])] }))
    },
    removeFavorite: ({ registryId, repository }) => {
      const r = registry(registryId)
      return wait(upsert({ ...r, favorites: r.favorites.filter((f) => f !== repository) }))
    },
    listRepositories: ({ registryId }) => {
      const r = registry(registryId)
      if (r.id === 'lab' && !r.pinnedFingerprint && !r.caPem) {
        return wait(null).then(() =>
          fail({
            code: 'tls_untrusted',
            message: 'registry.lab.internal:5000 presented a certificate signed by an unknown authority.',
            fix: 'Edit the registry to review the certificate and trust it, or add your CA.',
            certificate: untrustedCertificate,
          }),
        )
      }
      if (r.id === 'acme' || r.id === 'lab') return wait({ repositories: listedRepositories(r.id), catalog: 'available' as const })
      return wait({
        repositories: [],
        catalog: 'unavailable' as const,
        reason:
          'The registry answered 401 to /v2/_catalog: it does not list repositories ' +
          '(Docker Hub, GHCR and GitLab without admin rights behave the same).',
      })
    },
    listTags: ({ registryId, repository }) => {
      registry(registryId)
      return wait({ repository, tags: tagsOf(registryId, repository) }, latency * 2)
    },
    getTagDetails: ({ registryId, repository, tags }) => {
      const results = tags.map((tag) => detailsRow(registryId, repository, tag))
      return wait(results, latency * (1 + tags.length / 25))
    },
    getCachedTagDetails: ({ registryId, repository }) => {
      registry(registryId)
      // Local disk in the core: quicker than any registry call.
      return wait(packCachedTagDetails(repository, [...rememberedFor(registryId, repository).values()]), latency / 2)
    },
    inspect: ({ registryId, repository, reference }) => {
      const img = image(registryId, repository, reference)
      const tags = tagsOf(registryId, repository)
      const sharing = tags.filter((t) => t !== 'broken-manifest' && digestKey(t) === digestKey(reference))
      return wait({
        repository,
        reference,
        details: img.details,
        layers: img.layers,
        config: img.config,
        annotations: img.annotations,
        referrers: img.referrers,
        tagsSharingDigest: sharing,
        manifestJson: JSON.stringify({ schemaVersion: 2, mediaType: img.details.mediaType, layers: img.layers.slice(0, 2) }, null, 2),
        platform: img.details.platform ?? null,
        manifests: [],
        platformImage: null,
      })
    },
    previewDelete: ({ registryId, repository, tags, mode }) => {
      const all = tagsOf(registryId, repository)
      const items = tags.map((tag) => {
        const k = digestKey(tag)
        return {
          tag,
          digest: image(registryId, repository, tag).details.digest,
          alsoRemoved: mode === 'digest' ? all.filter((t) => digestKey(t) === k) : [tag],
          // Tag deletes: the kept tags on the same image, which then frees nothing.
          ...(mode === 'tag' ? { stillTagged: all.filter((t) => digestKey(t) === k && !tags.includes(t)) } : {}),
        }
      })
      // Like the core's figures: an image that loses its last tag frees what it holds, but its base
      // layer (the first) stays, shared with the images that are kept.
      let freesBytes = 0
      let keptBytes = 0
      const counted = new Set<string>()
      for (const item of items) {
        if (counted.has(item.digest)) continue
        counted.add(item.digest)
        const img = image(registryId, repository, item.tag)
        const base = img.layers[0]?.size ?? 0
        const size = img.details.size ?? 0
        if (item.stillTagged && item.stillTagged.length > 0) keptBytes += size
        else {
          freesBytes += Math.max(0, size - base)
          keptBytes += Math.min(size, base)
        }
      }
      const gc = garbageCollectionAdvice(registry(registryId).kind)
      const storage: StorageEffect = {
        freesBytes,
        keptBytes,
        keptByOtherRepositoriesBytes: 0,
        otherRepositories: { measured: 3, notMeasured: 0 },
        tagsFromCache: 0,
        incomplete: false,
        note: items
          .filter((i) => i.stillTagged && i.stillTagged.length > 0)
          .map(
            (i) => `Deleting only the tag ${i.tag} frees nothing by itself: the image stays tagged as ${(i.stillTagged ?? []).join(', ')}.`,
          )
          .join(' '),
        garbageCollection: gc,
      }
      return wait({ repository, mode, items, freesBytes, keptBytes, storage })
    },
    deleteTags: ({ registryId, repository, tags, mode }) => {
      const all = tagsOf(registryId, repository)
      const results: DeleteResult[] = tags.map((tag) => {
        const digest = image(registryId, repository, tag).details.digest
        const k = digestKey(tag)
        const removed = mode === 'digest' ? all.filter((t) => digestKey(t) === k) : [tag]
        // `stable` is protected, like a GitLab protected tag: deleting it (or its digest) is refused.
        if (removed.includes('stable')) {
          return protectedTagRefusal(tag, digest)
        }
        for (const t of removed) deleted.add(`${key(registryId, repository)}:${t}`)
        return { tag, digest, ok: true, method: mode === 'digest' ? 'digest-delete' : 'tag-delete', removedTags: removed }
      })
      return wait({ results, note: garbageCollectionNote }, 500)
    },
    scanDockerLogins: () => {
      const candidates: DockerLoginCandidate[] = [
        {
          key: 'registry.acme.internal',
          registryUrl: 'https://registry.acme.internal',
          username: 'jdoe',
          source: 'docker-config',
          existingProfileId: 'acme',
        },
        {
          key: 'quay.example.net',
          registryUrl: 'https://quay.example.net',
          username: 'robot+ci',
          source: 'docker-credential-helper',
          existingProfileId: null,
        },
        {
          key: 'podman:harbor.example.com',
          registryUrl: 'https://harbor.example.com',
          username: 'admin',
          source: 'podman-auth',
          existingProfileId: null,
        },
      ]
      return wait(candidates)
    },
    importDockerLogins: ({ keys }) =>
      wait(
        keys.map((k, i) =>
          upsert({
            id: `import-${i}-${nextId++}`,
            name: k.replace(/^podman:/, ''),
            url: `https://${k.replace(/^podman:/, '')}`,
            kind: 'generic',
            authMode: 'auto',
            insecure: false,
            favorites: [],
            hasCredential: true,
            capabilities: capabilitiesFor('generic'),
          }),
        ),
      ),
    readAuditLog: ({ registryId, repository, limit }) => {
      const host = registryId === undefined ? undefined : new URL(registry(registryId).url).host
      const entries = fakeAuditEntries().filter(
        (entry) => (host === undefined || entry.registry === host) && (repository === undefined || entry.repository === repository),
      )
      return wait(entries.slice(-(limit ?? 200)))
    },
    // No fake registry is Docker Hub: a test that needs a quota overrides this.
    getRateLimit: ({ registryId }) => (registry(registryId), wait(null)),
    previewCleanup: ({ registryId, repository, rules, selection }) => {
      const infos: CleanupTagInfo[] = tagsOf(registryId, repository).map((tag) => {
        if (tag === 'broken-manifest') return { tag, digest: null, kind: 'unknown', created: null, createdSource: 'unknown', children: [] }
        const d = image(registryId, repository, tag).details
        return {
          tag,
          digest: d.digest,
          kind: d.kind,
          created: d.created,
          createdSource: d.createdSource,
          children: d.platforms.map((p) => p.digest),
        }
      })
      const plan = evaluateCleanup(repository, infos, rules, { now, ...(selection ? { selection } : {}) })
      // The session adds what the plan frees: images losing their last tag free all but the base layer.
      let freesBytes = 0
      let keptBytes = 0
      for (const u of plan.untaggedDigests) {
        const tag = u.tags[0]
        if (tag === undefined) continue
        const img = image(registryId, repository, tag)
        const base = Math.min(img.details.size ?? 0, img.layers[0]?.size ?? 0)
        freesBytes += (img.details.size ?? 0) - base
        keptBytes += base
      }
      for (const s of plan.sharedWithKept) {
        const tag = s.removed[0]
        if (tag !== undefined) keptBytes += image(registryId, repository, tag).details.size ?? 0
      }
      const storage: StorageEffect = {
        freesBytes,
        keptBytes,
        keptByOtherRepositoriesBytes: 0,
        otherRepositories: { measured: 3, notMeasured: 0 },
        tagsFromCache: 0,
        incomplete: false,
        note: '',
        garbageCollection: garbageCollectionAdvice(registry(registryId).kind),
      }
      return wait({ ...plan, freesBytes, keptBytes, storage }, latency * 3)
    },
    runCleanup: ({ registryId, repository, tags, expectedDigests }) => {
      const results: DeleteResult[] = tags.map((tag) => {
        const digest = expectedDigests[tag] ?? ''
        if (tag === 'stable') {
          return protectedTagRefusal(tag, digest)
        }
        deleted.add(`${key(registryId, repository)}:${tag}`)
        return { tag, digest, ok: true, method: 'tag-delete', removedTags: [tag] }
      })
      return wait(
        {
          results,
          removed: results.filter((r) => r.ok).map((r) => r.tag),
          failed: results.filter((r) => !r.ok).map((r) => r.tag),
          note: garbageCollectionNote,
        },
        latency * 2,
      )
    },
    saveCleanupRules: ({ registryId, repository, rules }) => {
      const saved: SavedCleanupRules = {
        rules: { keepN: 0, keepRegex: '', removeRegex: '', olderThan: '', unlockLatest: false, ...rules },
        savedAt: new Date(now).toISOString(),
      }
      savedRules.set(key(registryId, repository), saved)
      return wait(saved)
    },
    loadCleanupRules: ({ registryId, repository }) => wait(savedRules.get(key(registryId, repository)) ?? null),
    submitGitlabBulkDelete: ({ repository, nameRegexDelete, nameRegexKeep, keepN, olderThan }) =>
      wait({
        repository,
        status: 'accepted' as const,
        accepted: {
          nameRegexDelete,
          ...(nameRegexKeep !== undefined ? { nameRegexKeep } : {}),
          ...(keepN !== undefined ? { keepN } : {}),
          ...(olderThan !== undefined ? { olderThan } : {}),
        },
        note: 'GitLab accepted the cleanup; it runs in the background and can be submitted once an hour.',
      }),
    planCopy: copies.planCopy,
    startCopy: copies.startCopy,
    cancelCopy: copies.cancelCopy,
    ...fakeCiAuthApi(registries, wait),
    ...fakeSignatureApi(wait),
    startUsage: usage.startUsage,
    cancelUsage: usage.cancelUsage,
    previewUntaggedDelete: usage.previewUntaggedDelete,
    deleteUntagged: usage.deleteUntagged,
  }
  const details = fakeDetailsJobs(api, { latencyMs: latency })
  const on: NonNullable<ApiWithEvents['on']> = (event, listener) =>
    event === 'copyProgress' || event === 'copyFinished'
      ? copies.on(event, listener as (payload: ApiEvents['copyProgress' | 'copyFinished']) => void)
      : event === 'usageProgress' || event === 'usageFinished'
        ? usage.on(event, listener as (payload: ApiEvents['usageProgress' | 'usageFinished']) => void)
        : details.on(event, listener)
  return Object.assign(api, details, { on })
}

/** `stable` is protected, like a GitLab protected tag: deleting it (or its digest) is refused. */
function protectedTagRefusal(tag: string, digest: string): DeleteResult {
  return {
    tag,
    digest,
    ok: false,
    removedTags: [],
    error: {
      code: 'forbidden',
      message: 'registry.acme.internal answered 403 to DELETE: the tag "stable" is protected.',
      fix: 'Ask a maintainer to lift the tag protection rule.',
    },
  }
}

interface FakeDetailsJob {
  priority: { visible: readonly string[]; margin: readonly string[]; order: readonly string[] }
  /** Tags taken (answered or in flight). */
  done: Set<string>
  wake(): void
  stop(): void
}

export type FakeJobsApi = Pick<Api, 'startTagDetails' | 'prioritizeTagDetails' | 'stopTagDetails'> & {
  on: NonNullable<ApiWithEvents['on']>
}

/**
 * The core's details job (electron/session/details-job.ts) in miniature, over `source`'s listTags and
 * getTagDetails (one tag a call, so a test can gate, record or change the answers): a few slots,
 * each taking the most wanted tag when it frees up (visible, margin, then the order), every answer
 * sent as a `tagDetails` event.
 */
export function fakeDetailsJobs(
  source: Pick<Api, 'listTags' | 'getTagDetails'>,
  options: { latencyMs?: number; slots?: number } = {},
): FakeJobsApi {
  const latency = options.latencyMs ?? 120
  const jobs = new Map<string, FakeDetailsJob>()
  const listeners = new Set<(payload: ApiEvents['tagDetails']) => void>()
  let lastJob = 0
  return {
    async startTagDetails({ registryId, repository, visible, order }) {
      const all = (await source.listTags({ registryId, repository })).tags
      const jobId = `job-${++lastJob}`
      let stopped = false
      let answered = 0
      let wakeIdle: (() => void) | null = null
      const job: FakeDetailsJob = {
        priority: { visible: visible ?? [], margin: [], order: order ?? all },
        done: new Set(),
        wake: () => wakeIdle?.(),
        stop: () => {
          stopped = true
          wakeIdle?.()
        },
      }
      const take = (): string | null => {
        for (const list of [job.priority.visible, job.priority.margin, job.priority.order, all]) {
          for (const tag of list) {
            if (!job.done.has(tag)) {
              job.done.add(tag)
              return tag
            }
          }
        }
        return null
      }
      const slot = async (): Promise<void> => {
        while (!stopped) {
          const tag = take()
          if (tag === null) {
            await new Promise<void>((resolve) => (wakeIdle = resolve))
            continue
          }
          const [result] = await source.getTagDetails({ registryId, repository, tags: [tag] })
          if (stopped) return
          if (!result) continue
          answered++
          for (const listener of listeners) listener({ jobId, results: [result], answered })
        }
      }
      jobs.set(jobId, job)
      // The first rows take a moment, like the registry's first answers.
      setTimeout(() => {
        for (let slots = 0; slots < (options.slots ?? 4); slots++) void slot()
      }, latency / 4)
      return { jobId }
    },
    prioritizeTagDetails({ jobId, visible, margin, order, requeue }) {
      const job = jobs.get(jobId)
      if (job) {
        job.priority = { visible, margin: margin ?? [], order: order ?? job.priority.order }
        for (const tag of requeue ?? []) job.done.delete(tag)
        job.wake()
      }
      return Promise.resolve(null)
    },
    stopTagDetails({ jobId }) {
      jobs.get(jobId)?.stop()
      jobs.delete(jobId)
      return Promise.resolve(null)
    },
    on(event, listener) {
      if (event !== 'tagDetails') return () => undefined
      const wrapped = listener as (payload: ApiEvents['tagDetails']) => void
      listeners.add(wrapped)
      return () => listeners.delete(wrapped)
    },
  }
}
