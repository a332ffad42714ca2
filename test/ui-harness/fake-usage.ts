// Storage usage in miniature (issue 21), over the fake registry's images: a repository's tags with
// bytes / unique / shared, two untagged images seen before, and a registry's repositories by size.
// Figures follow the core's rules loosely: every image's first layer is a base layer all images of
// a repository (and, for the registry total, all repositories) share, counted once.
import type { Api, ApiEvents } from '../../shared/ipc'
import type { RegistryKind } from '../../shared/types'
import {
  garbageCollectionAdvice,
  usageAttribution,
  type RepositoryUsage,
  type RepositoryUsageRow,
  type StorageEffect,
  type UsageResult,
} from '../../shared/usage'
import type { FakeImage } from './fake-data'

type Listener = (payload: ApiEvents['usageProgress'] | ApiEvents['usageFinished']) => void

export interface FakeUsageSource {
  tagsOf(registryId: string, repository: string): string[]
  image(registryId: string, repository: string, tag: string): FakeImage
  repositories(registryId: string): string[]
  kind(registryId: string): RegistryKind
  latencyMs: number
}

const untaggedDigest = (repository: string, n: number): string =>
  `sha256:${[...`${repository}#${n}`]
    .reduce((h, c) => (h * 33 + c.charCodeAt(0)) % 0xfffffff, 5381)
    .toString(16)
    .padStart(8, '0')
    .repeat(8)}`

export function fakeUsageApi(source: FakeUsageSource): Pick<
  Api,
  'startUsage' | 'cancelUsage' | 'previewUntaggedDelete' | 'deleteUntagged'
> & {
  on<K extends 'usageProgress' | 'usageFinished'>(event: K, listener: (payload: ApiEvents[K]) => void): () => void
} {
  const listeners = new Map<string, Set<Listener>>()
  const emit = <K extends 'usageProgress' | 'usageFinished'>(event: K, payload: ApiEvents[K]): void => {
    for (const l of listeners.get(event) ?? []) l(payload)
  }
  const cancelled = new Set<string>()
  const deletedUntagged = new Set<string>()
  let lastJob = 0

  const repositoryUsage = (registryId: string, repository: string): RepositoryUsage & { base: number } => {
    const tags = source.tagsOf(registryId, repository).filter((t) => t !== 'broken-manifest')
    const byDigest = new Map<
      string,
      { size: number; base: number; tags: string[]; date: string | null; dateSource: 'pushed' | 'built' | null }
    >()
    for (const tag of tags) {
      const img = source.image(registryId, repository, tag)
      const date = img.details.pushed
        ? { date: img.details.pushed, dateSource: 'pushed' as const }
        : img.details.created
          ? { date: img.details.created, dateSource: 'built' as const }
          : { date: null, dateSource: null }
      const entry = byDigest.get(img.details.digest) ?? { size: img.details.size ?? 0, base: 0, tags: [], ...date }
      entry.base = Math.min(entry.size, img.layers[0]?.size ?? 0)
      entry.tags.push(tag)
      byDigest.set(img.details.digest, entry)
    }
    const base = [...byDigest.values()].reduce((m, e) => Math.max(m, e.base), 0)
    let totalBytes = base
    for (const e of byDigest.values()) totalBytes += e.size - e.base
    const usage = [...byDigest.entries()].flatMap(([digest, e]) =>
      e.tags.map((tag) => {
        const uniqueBytes = e.tags.length > 1 ? 0 : byDigest.size > 1 ? e.size - e.base : e.size
        return { tag, digest, bytes: e.size, uniqueBytes, sharedBytes: e.size - uniqueBytes, date: e.date, dateSource: e.dateSource }
      }),
    )
    usage.sort((a, b) => b.bytes - a.bytes || a.tag.localeCompare(b.tag))
    const untagged = [1, 2]
      .map((n) => ({ digest: untaggedDigest(repository, n), n }))
      .filter((u) => !deletedUntagged.has(`${registryId}/${repository}@${u.digest}`) && tags.length > 0)
      .map(({ digest, n }) => ({
        digest,
        bytes: 24_000_000 / n,
        freesBytes: 18_000_000 / n,
        lastTags: [`0.${n}.0-rc.1`],
        firstSeen: new Date(Date.UTC(2026, 8, n * 3)).toISOString(),
      }))
    const kind = source.kind(registryId)
    return {
      base,
      registry: registryId,
      repository,
      totalBytes,
      tags: usage,
      untagged,
      untaggedBytes: untagged.reduce((s, u) => s + u.freesBytes, 0),
      blobs: byDigest.size * 4,
      tagsFromCache: 0,
      incomplete: false,
      failures: [],
      reported:
        kind === 'gitlab'
          ? {
              bytes: Math.round(totalBytes * 1.04),
              source: 'gitlab-registry-api',
              note: 'GitLab counts the layers of every tag of the repository, deduplicated, from its metadata database.',
              differenceBytes: Math.round(totalBytes * 0.04),
            }
          : null,
      computedAt: new Date().toISOString(),
    }
  }

  const run = async (jobId: string, registryId: string, repository: string | undefined): Promise<UsageResult | null> => {
    const tick = () => new Promise((resolve) => setTimeout(resolve, source.latencyMs))
    const repos = repository ? [repository] : source.repositories(registryId)
    const rows: RepositoryUsageRow[] = []
    let tagsDone = 0
    let tagsTotal = 0
    let total = 0
    let lastUsage: RepositoryUsage | null = null
    for (const [i, repo] of repos.entries()) {
      if (cancelled.has(jobId)) return null
      const tags = source.tagsOf(registryId, repo).length
      tagsTotal += tags
      emit('usageProgress', {
        jobId,
        progress: { repositoriesDone: i, repositoriesTotal: repos.length, tagsDone, tagsTotal, repository: repo },
      })
      await tick()
      const { base, ...usage } = repositoryUsage(registryId, repo)
      lastUsage = usage
      tagsDone += tags
      // Every repository shares the registry's one base layer: counted once in the total.
      total += usage.totalBytes - (i === 0 ? 0 : base)
      rows.push({
        repository: repo,
        totalBytes: usage.totalBytes,
        exclusiveBytes: usage.totalBytes - base,
        sharedBytes: base,
        tags,
        tagsFromCache: 0,
        untaggedBytes: usage.untaggedBytes,
        incomplete: false,
        reported: usage.reported,
        error: null,
      })
    }
    emit('usageProgress', {
      jobId,
      progress: { repositoriesDone: repos.length, repositoriesTotal: repos.length, tagsDone, tagsTotal, repository: null },
    })
    if (repository && lastUsage) return { scope: 'repository', usage: lastUsage }
    rows.sort((a, b) => b.totalBytes - a.totalBytes || a.repository.localeCompare(b.repository))
    const sum = rows.reduce((s, r) => s + r.totalBytes, 0)
    const kind = source.kind(registryId)
    return {
      scope: 'registry',
      usage: {
        registry: registryId,
        prefix: '',
        repositories: rows,
        totalBytes: total,
        sumOfRepositoryBytes: sum,
        sharedAcrossRepositoriesBytes: total - rows.reduce((s, r) => s + r.exclusiveBytes, 0),
        listing: { source: kind === 'gitlab' ? 'provider-api' : 'catalog', reason: null },
        tagsFromCache: 0,
        reported:
          kind === 'gitlab'
            ? {
                bytes: Math.round(total * 1.02),
                source: 'gitlab-rest-api',
                note: "GitLab's project statistics: the container registry size of every project, deduplicated per project.",
                differenceBytes: Math.round(total * 0.02),
              }
            : null,
        attribution: usageAttribution,
        failures: [],
        computedAt: new Date().toISOString(),
      },
    }
  }

  const storageOf = (registryId: string, freesBytes: number, keptBytes: number): StorageEffect => ({
    freesBytes,
    keptBytes,
    keptByOtherRepositoriesBytes: 0,
    otherRepositories: null,
    tagsFromCache: 0,
    incomplete: false,
    note: '',
    garbageCollection: garbageCollectionAdvice(source.kind(registryId)),
  })

  return {
    startUsage: ({ registryId, repository }) => {
      const jobId = `usage-${++lastJob}`
      setTimeout(() => {
        void run(jobId, registryId, repository).then((result) =>
          emit('usageFinished', {
            jobId,
            result,
            error: result ? null : { code: 'cancelled', message: 'The measurement was cancelled.' },
          }),
        )
      }, source.latencyMs / 2)
      return Promise.resolve({ jobId })
    },
    cancelUsage: ({ jobId }) => {
      cancelled.add(jobId)
      return Promise.resolve(null)
    },
    previewUntaggedDelete: ({ registryId, repository, digests }) => {
      const known = repositoryUsage(registryId, repository).untagged
      const items = digests.map((digest) => {
        const u = known.find((k) => k.digest === digest)
        return {
          digest,
          alsoDeleted: [],
          bytes: u?.bytes ?? 0,
          freesBytes: u?.freesBytes ?? 0,
          lastTags: u?.lastTags ?? [],
          firstSeen: u?.firstSeen ?? null,
        }
      })
      const frees = items.reduce((s, i) => s + i.freesBytes, 0)
      const kept = items.reduce((s, i) => s + i.bytes - i.freesBytes, 0)
      return new Promise((resolve) =>
        setTimeout(
          () => resolve({ repository, items, freesBytes: frees, keptBytes: kept, storage: storageOf(registryId, frees, kept) }),
          source.latencyMs,
        ),
      )
    },
    deleteUntagged: ({ registryId, repository, digests }) => {
      for (const d of digests) deletedUntagged.add(`${registryId}/${repository}@${d}`)
      return new Promise((resolve) =>
        setTimeout(
          () =>
            resolve({
              results: digests.map((digest) => ({ digest, ok: true, deleted: [digest] })),
              note: garbageCollectionAdvice(source.kind(registryId)),
            }),
          source.latencyMs,
        ),
      )
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>()
      listeners.set(event, set)
      set.add(listener as Listener)
      return () => set.delete(listener as Listener)
    },
  }
}
