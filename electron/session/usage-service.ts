// Storage usage of a repository, and of a registry or a prefix of it, for every door (`berth du`,
// the app's storage views through startUsage). Counted from manifests only (usage-graph.ts): per tag
// what it reaches, what it alone reaches and what it shares; per repository what its tags reach and
// the untagged images Berth saw behind a tag before; across repositories every blob once, since a
// registry stores a blob once whoever references it. Where the registry reports sizes itself
// (GitLab), its figure, its source and the difference are shown beside Berth's.
import { BerthError, toErrorData } from '../../shared/errors'
import type {
  RegistryUsage,
  ReportedSize,
  RepositoryUsage,
  RepositoryUsageRow,
  TagUsage,
  UntaggedImage,
  UsageFailure,
} from '../../shared/usage'
import { usageAttribution } from '../../shared/usage'
import { mapBounded } from '../http/bounded-pool'
import { bytesOf, countRepository, reachFrom } from '../operations/usage-graph'
import { imageDates } from './usage-dates'
import type { ReportedRepositorySize } from '../providers/provider'
import {
  loadRoot,
  resolveTags,
  startUsageRun,
  type ResolvedTags,
  type UsageContext,
  type UsageRun,
  type UsageRunOptions,
} from './usage-run'

/** Untagged images looked at per repository, the most recently seen first. */
const maxUntaggedChecked = 500
/** Repositories listed at once while a registry is measured. */
const listingConcurrency = 8

export async function measureRepository(
  context: UsageContext,
  repository: string,
  options: UsageRunOptions = {},
): Promise<RepositoryUsage> {
  const run = startUsageRun(context, options)
  run.progress.update({ repositoriesTotal: 1, repository })
  try {
    // Asked while the tags are listed: the answer decides how the tags are counted.
    const probe = run.referrersApi(repository)
    probe.catch(() => undefined) // awaited below; a cancel meanwhile must not go unhandled
    run.prefetch([repository])
    const tags = await context.listTags(repository, signalOf(run))
    await probe
    run.progress.tagsListed(tags.length)
    const resolved = await resolveTags(run, repository, tags)
    const count = countRepository(context.graph, resolved.tagDigests)
    const [untagged, dates] = await Promise.all([
      findUntagged(run, repository, resolved.tagDigests, count.reached),
      imageDates(run, repository, resolved.tagDigests, options.dates === true),
    ])
    const reported = await reportedSizes(run, [repository], null)
    run.throwIfCancelled()
    run.progress.repositoryDone()
    const own = reported?.repositories.get(repository)
    return {
      registry: context.provider.client.endpoint.host,
      repository,
      totalBytes: count.totalBytes,
      tags: sortTags(
        count.tags.map((tag) => {
          const dated = dates.get(tag.digest)
          return { ...tag, date: dated?.date ?? null, dateSource: dated?.source ?? null }
        }),
      ),
      untagged: untagged.images,
      untaggedBytes: untagged.bytes,
      blobs: count.blobs,
      tagsFromCache: resolved.tagsFromCache,
      incomplete: count.incomplete || untagged.incomplete,
      failures: [...resolved.failures, ...untagged.failures],
      reported: own ? compare(own, count.totalBytes) : null,
      computedAt: new Date().toISOString(),
    }
  } finally {
    run.finish()
  }
}

/** Every repository of the registry whose path is `prefix` or starts with `prefix/` ('' = all of them). */
export async function measureRegistry(context: UsageContext, prefix: string, options: UsageRunOptions = {}): Promise<RegistryUsage> {
  const run = startUsageRun(context, options)
  try {
    // The digest cache's packs are read while the catalog is asked for: a warm run is CPU here.
    run.prefetch([])
    const listing = await context.provider.listRepositories(signalOf(run))
    const names = listing.repositories.filter((name) => prefix === '' || name === prefix || name.startsWith(`${prefix}/`))
    if (names.length === 0 && listing.catalog === 'unavailable') {
      throw new BerthError({
        code: 'unsupported',
        message: `${context.provider.client.endpoint.host} does not list its repositories: ${listing.reason ?? 'no catalog'}`,
        fix: 'Measure one repository at a time (berth du <registry>/<repository> --tags), or add repositories by name in the app.',
      })
    }
    run.progress.update({ repositoriesTotal: names.length })
    run.prefetch(names)
    // One token for up to 25 repositories' listings (and the referrers question) instead of one
    // token request each: warm, those requests were most of the run (9 of 18 on the bench lab).
    await context.provider.client.prepareRepositories?.(names)
    const probe = names[0] === undefined ? Promise.resolve(false) : run.referrersApi(names[0])
    probe.catch(() => undefined) // awaited below; a cancel meanwhile must not go unhandled
    const failures: UsageFailure[] = []
    // Each repository is counted as soon as its tags are listed, while the others are still being
    // listed: a warm run's cache reads and parsing overlap the registry's answers instead of following them.
    const resolving: Promise<ResolvedTags | null>[] = []
    const listed = await mapBounded(
      names,
      listingConcurrency,
      async (name, i) => {
        try {
          const tags = await context.listTags(name, signalOf(run))
          run.progress.tagsListed(tags.length)
          const resolved = probe.then(async () => {
            run.progress.update({ repository: name })
            const found = await resolveTags(run, name, tags)
            run.progress.repositoryDone()
            return found
          })
          resolved.catch(() => undefined) // awaited below; a cancel meanwhile must not go unhandled
          resolving[i] = resolved
          return { name, tags, error: null }
        } catch (error) {
          const data = toErrorData(error)
          if (data.code === 'cancelled') throw error
          failures.push({ repository: name, error: data })
          return { name, tags: [] as string[], error: data }
        }
      },
      run.signal,
    )
    await probe
    // One pool for every tag of every repository: the registry sees a steady `concurrency` requests.
    const resolvedAll = await Promise.all(listed.map((_, i) => resolving[i] ?? Promise.resolve(null)))
    const measured = listed.map((entry, i) => ({ ...entry, resolved: entry.error === null ? (resolvedAll[i] ?? null) : null }))
    const counts = measured.map((entry) => ({
      entry,
      count: entry.resolved ? countRepository(context.graph, entry.resolved.tagDigests) : null,
    }))
    const untagged = await Promise.all(
      counts.map(({ entry, count }) =>
        entry.resolved && count ? findUntagged(run, entry.name, entry.resolved.tagDigests, count.reached) : Promise.resolve(null),
      ),
    )
    // A blob reached by one repository alone is that repository's exclusively.
    const reachedBy = new Map<string, number>()
    for (const { count } of counts) for (const digest of count?.reached ?? []) reachedBy.set(digest, (reachedBy.get(digest) ?? 0) + 1)
    const reported = await reportedSizes(run, names, prefix)
    run.throwIfCancelled()
    let exclusiveTotal = 0
    const rows: RepositoryUsageRow[] = counts.map(({ entry, count }, i) => {
      let exclusiveBytes = 0
      for (const digest of count?.reached ?? []) if (reachedBy.get(digest) === 1) exclusiveBytes += context.graph.sizeOf(digest)
      exclusiveTotal += exclusiveBytes
      const totalBytes = count?.totalBytes ?? 0
      const own = reported?.repositories.get(entry.name)
      const found = untagged[i] ?? null
      for (const failure of [...(entry.resolved?.failures ?? []), ...(found?.failures ?? [])]) failures.push(failure)
      return {
        repository: entry.name,
        totalBytes,
        exclusiveBytes,
        sharedBytes: totalBytes - exclusiveBytes,
        tags: entry.resolved?.tagDigests.size ?? 0,
        tagsFromCache: entry.resolved?.tagsFromCache ?? 0,
        untaggedBytes: found?.bytes ?? 0,
        incomplete: (count?.incomplete ?? false) || (found?.incomplete ?? false),
        reported: own ? compare(own, count ? totalBytes : null) : null,
        error: entry.error,
      }
    })
    const totalBytes = bytesOf(context.graph, reachedBy.keys())
    rows.sort((a, b) => b.totalBytes - a.totalBytes || compareText(a.repository, b.repository))
    const measuredAll = rows.every((row) => row.error === null)
    return {
      registry: context.provider.client.endpoint.host,
      prefix,
      repositories: rows,
      totalBytes,
      sumOfRepositoryBytes: rows.reduce((sum, row) => sum + row.totalBytes, 0),
      sharedAcrossRepositoriesBytes: totalBytes - exclusiveTotal,
      listing: { source: context.provider.capabilities.repositoryListing, reason: listing.reason ?? null },
      tagsFromCache: rows.reduce((sum, row) => sum + row.tagsFromCache, 0),
      // Compared only when every repository under the prefix was measured.
      reported: reported?.prefix ? compare(reported.prefix, measuredAll ? totalBytes : null) : null,
      attribution: usageAttribution,
      failures,
      computedAt: new Date().toISOString(),
    }
  } finally {
    run.finish()
  }
}

export interface UntaggedFound {
  images: UntaggedImage[]
  /** What the untagged images hold that no tag reaches, each blob once. */
  bytes: number
  incomplete: boolean
  failures: UsageFailure[]
}

/**
 * The digests Berth saw behind a tag of `repository` (its tag history) that no tag points at or
 * reaches now, and that the registry still has (one HEAD each; one that is gone leaves the history).
 */
export async function findUntagged(
  run: UsageRun,
  repository: string,
  tagDigests: ReadonlyMap<string, string>,
  reached: ReadonlySet<string>,
): Promise<UntaggedFound> {
  const hints = await run.hints(repository)
  const roots = new Set(tagDigests.values())
  const candidates = [...hints.history()]
    .filter(([digest]) => !roots.has(digest) && !reached.has(digest))
    .sort(([, a], [, b]) => (b.firstSeen ?? '').localeCompare(a.firstSeen ?? ''))
    .slice(0, maxUntaggedChecked)
  const failures: UsageFailure[] = []
  const present = await Promise.all(
    candidates.map(([digest, entry]) =>
      run.pool.run(async () => {
        try {
          await run.context.provider.client.headManifest(repository, digest, signalOf(run))
          await loadRoot(run, repository, digest)
          return { digest, entry }
        } catch (error) {
          const data = toErrorData(error)
          if (data.code === 'cancelled') throw error
          // Deleted by digest, or collected: it is no longer stored, so it is no longer worth a request.
          if (data.code === 'not_found') hints.forgetHistory(digest)
          else failures.push({ repository, digest, error: data })
          return null
        }
      }),
    ),
  )
  const found = present.filter((item): item is NonNullable<typeof item> => item !== null)
  const graph = run.context.graph
  // How many untagged images reach each digest (ignoring what tags reach): one alone frees it.
  const reachedByUntagged = new Map<string, number>()
  for (const { digest } of found)
    for (const each of graph.closure(digest)) reachedByUntagged.set(each, (reachedByUntagged.get(each) ?? 0) + 1)
  const images: UntaggedImage[] = found.map(({ digest, entry }) => {
    let bytes = 0
    let freesBytes = 0
    for (const each of graph.closure(digest)) {
      const size = graph.sizeOf(each)
      bytes += size
      if (!reached.has(each) && reachedByUntagged.get(each) === 1) freesBytes += size
    }
    return { digest, bytes, freesBytes, lastTags: [...entry.tags], firstSeen: entry.firstSeen }
  })
  images.sort((a, b) => b.bytes - a.bytes || compareText(a.digest, b.digest))
  const union = reachFrom(
    graph,
    found.map((item) => item.digest),
  )
  let bytes = 0
  for (const digest of union) if (!reached.has(digest)) bytes += graph.sizeOf(digest)
  return { images, bytes, incomplete: found.some((item) => graph.isPartial(item.digest)), failures }
}

async function reportedSizes(
  run: UsageRun,
  repositories: readonly string[],
  prefix: string | null,
): Promise<{ repositories: Map<string, ReportedRepositorySize>; prefix: ReportedRepositorySize | null } | null> {
  const provider = run.context.provider
  if (provider.reportedUsage === undefined) return null
  try {
    return await provider.reportedUsage({ repositories, prefix, ...signalOf(run) })
  } catch (error) {
    if (toErrorData(error).code === 'cancelled') throw error
    // The registry's own figure is a comparison, not the answer: Berth's count stands without it.
    return null
  }
}

function compare(reported: ReportedRepositorySize, berth: number | null): ReportedSize {
  return { ...reported, differenceBytes: berth === null ? null : reported.bytes - berth }
}

function sortTags(tags: TagUsage[]): TagUsage[] {
  return tags.sort((a, b) => b.bytes - a.bytes || compareText(a.tag, b.tag))
}

function signalOf(run: UsageRun): { signal?: AbortSignal } {
  return run.signal ? { signal: run.signal } : {}
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}
