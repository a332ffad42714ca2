// One storage-usage run of a session: the content loader (digest cache first), the usage graph's
// loader, one request pool for every tag of the run, progress, and how each tag's digest is found.
// A tag's digest comes from, cheapest first: the provider's listing (GitLab's /gitlab/v1 pages carry
// digests); Berth's tag hints, when the run trusts them (not `verify`) and the manifest is cached —
// no request at all; otherwise the registry now (a HEAD when hinted, else one GET by tag, which
// brings the manifest too). Layer and config blobs are never fetched (usage-loader.ts).
import { toErrorData } from '../../shared/errors'
import type { UsageFailure, UsageProgress } from '../../shared/usage'
import { whyNotATagName } from '../../shared/tag-name'
import { createBoundedPool, type BoundedPool } from '../http/bounded-pool'
import { createContentLoader, throwIfAborted, type ContentLoader } from '../operations/content-loader'
import { createUsageLoader, type UsageLoader } from '../operations/usage-loader'
import type { UsageGraph } from '../operations/usage-graph'
import type { RegistryProvider } from '../providers/provider'
import type { DigestCache } from '../stores/cache/digest-cache'
import { tagIndexForCache, type RepositoryTagHints } from '../stores/cache/tag-index'

/** What a session lends its usage runs. */
export interface UsageContext {
  provider: RegistryProvider
  cache: DigestCache
  /** Kept by the session across runs: content at a digest never changes. */
  graph: UsageGraph
  /** Registry requests in flight per run. */
  concurrency: number
  /** The session's listing: it also drops the hints of tags that are gone. */
  listTags(repository: string, options: { signal?: AbortSignal }): Promise<string[]>
  /** Whether the registry has the referrers API, once a run found out (one question per session). */
  referrersApi?: boolean
}

export interface UsageRunOptions {
  /** Ask the registry for every tag's digest (one HEAD per tag Berth knows) instead of trusting its cache. */
  verify?: boolean
  /**
   * Per tag of one repository, read the configs Berth does not hold for each image's build date
   * (one GET per distinct config) instead of dating only the images whose date it already has.
   */
  dates?: boolean
  signal?: AbortSignal
  onProgress?: (progress: UsageProgress) => void
}

export interface UsageRun {
  readonly context: UsageContext
  readonly verify: boolean
  readonly signal: AbortSignal | undefined
  readonly content: ContentLoader
  readonly loader: UsageLoader
  readonly pool: BoundedPool
  readonly progress: ProgressTracker
  hints(repository: string): Promise<RepositoryTagHints>
  /**
   * Whether the registry has the referrers API: asked once per session (a GET for any digest, which
   * a registry with the API answers 200 even for an unknown subject; distribution 2.8 answers 404).
   * Start it early: a run that knows the answer counts hinted tags without a promise each.
   */
  referrersApi(repository: string): Promise<boolean>
  /**
   * Starts reading what the run will need from disk (the digest cache's packs, these repositories'
   * hints) while the registry answers the listings: a warm run waits for one or the other, not both.
   */
  prefetch(repositories: readonly string[]): void
  /** Throws `cancelled` once the run's signal has fired (a cancel must never pass for a result). */
  throwIfCancelled(): void
  /** Saves what the run learnt (hints and cache, on their own timers) and reports progress one last time. */
  finish(): void
}

export interface ResolvedTags {
  /** Tag → digest, in listing order; tags that vanished meanwhile are left out. */
  tagDigests: Map<string, string>
  tagsFromCache: number
  failures: UsageFailure[]
}

/** Any digest: the referrers API answers for unknown subjects too (SPEC "Listing Referrers"). */
const probeDigest = `sha256:${'0'.repeat(64)}`

/** Progress reports at most ten a second (and the last one always). */
const reportEveryMs = 100

export interface ProgressTracker {
  readonly state: UsageProgress
  update(change: Partial<UsageProgress>): void
  tagsListed(count: number): void
  tagDone(): void
  repositoryDone(): void
  flush(): void
}

export function createProgressTracker(onProgress: ((progress: UsageProgress) => void) | undefined, now = Date.now): ProgressTracker {
  const state: UsageProgress = { repositoriesDone: 0, repositoriesTotal: 0, tagsDone: 0, tagsTotal: 0, repository: null }
  let last = 0
  const report = (force: boolean): void => {
    if (onProgress === undefined) return
    const at = now()
    if (!force && at - last < reportEveryMs) return
    last = at
    try {
      onProgress({ ...state })
    } catch {
      // A listener's bug must not stop the measurement.
    }
  }
  return {
    state,
    update(change) {
      Object.assign(state, change)
      report(false)
    },
    tagsListed(count) {
      state.tagsTotal += count
      report(false)
    },
    tagDone() {
      state.tagsDone++
      report(false)
    },
    repositoryDone() {
      state.repositoriesDone++
      report(false)
    },
    flush: () => report(true),
  }
}

export function startUsageRun(context: UsageContext, options: UsageRunOptions = {}): UsageRun {
  const { provider, cache } = context
  const content = createContentLoader(provider.client, cache, options.signal)
  const loader = createUsageLoader({
    graph: context.graph,
    content,
    referrers: (repository, digest) => provider.client.getReferrers(repository, digest, options.signal ? { signal: options.signal } : {}),
    referrersApi: (repository) => referrersApi(repository),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const index = tagIndexForCache(cache)
  const opened = new Map<string, RepositoryTagHints>()
  let probe: Promise<boolean> | null = context.referrersApi === undefined ? null : Promise.resolve(context.referrersApi)
  function referrersApi(repository: string): Promise<boolean> {
    probe ??= provider.client.getReferrers(repository, probeDigest, options.signal ? { signal: options.signal } : {}).then(
      (answer) => (context.referrersApi = answer !== null),
      (error: unknown) => {
        if (toErrorData(error).code === 'cancelled') throw error
        return false // unanswered: no referrers counted in this run; a later run asks again
      },
    )
    return probe
  }
  return {
    context,
    verify: options.verify === true,
    signal: options.signal,
    content,
    loader,
    pool: createBoundedPool(context.concurrency, options.signal),
    progress: createProgressTracker(options.onProgress),
    throwIfCancelled: () => throwIfAborted(options.signal),
    referrersApi,
    prefetch(repositories) {
      // Any digest makes the cache read its packs; the answer itself is not wanted.
      void cache.get(probeDigest).catch(() => undefined)
      for (const repository of repositories) void index.open(provider.client.endpoint.host, repository).catch(() => undefined)
    },
    async hints(repository) {
      const hints = await index.open(provider.client.endpoint.host, repository)
      opened.set(repository, hints)
      return hints
    },
    finish() {
      for (const hints of opened.values()) hints.saveSoon()
      this.progress.flush()
    },
  }
}

/**
 * Every listed tag's digest, with its manifests in the graph. A tag that vanished since the listing
 * is left out; a tag that cannot be read (an invalid name, a broken manifest) is a failure, and the
 * others are still counted. Only a cancel rejects.
 */
export async function resolveTags(
  run: UsageRun,
  repository: string,
  tags: readonly string[],
  known: ReadonlyMap<string, string> = new Map(),
): Promise<ResolvedTags> {
  const hints = await run.hints(repository)
  const provided = run.context.provider.listedTagDigests?.(repository) ?? null
  const failures: UsageFailure[] = []
  let tagsFromCache = 0
  const answered = new Map<string, string>()
  const remaining: string[] = []
  // Warm and trusting the cache: a hinted tag whose manifests the graph already holds needs neither a
  // request nor a promise (10,000 tags of one repository are counted in milliseconds).
  const settled = !run.verify && !(await run.referrersApi(repository))
  for (const tag of new Set(tags)) {
    const given = known.get(tag) ?? provided?.get(tag)
    const hint = run.verify ? undefined : hints.get(tag)
    if (settled && given === undefined && hint !== undefined && isLoaded(run.context.graph, hint)) {
      answered.set(tag, hint)
      tagsFromCache++
      run.progress.tagDone()
    } else remaining.push(tag)
  }
  const answers = await Promise.all(
    remaining.map((tag) =>
      run.pool.run(async (): Promise<[string, string] | null> => {
        try {
          const why = whyNotATagName(tag)
          if (why !== null) {
            failures.push({
              repository,
              tag,
              error: { code: 'invalid_response', message: `The registry lists a tag that is not a valid tag name: ${why}.` },
            })
            return null
          }
          const found = await resolveTag(run, repository, tag, hints, known.get(tag) ?? provided?.get(tag))
          if (found === null) return null
          if (found.fromCache) tagsFromCache++
          return [tag, found.digest]
        } catch (error) {
          const data = toErrorData(error)
          if (data.code === 'cancelled') throw error
          failures.push({ repository, tag, error: data })
          return null
        } finally {
          run.progress.tagDone()
        }
      }),
    ),
  )
  for (const answer of answers) if (answer !== null) answered.set(answer[0], answer[1])
  // In listing order, whichever way each digest was found.
  const tagDigests = new Map<string, string>()
  for (const tag of tags) {
    const digest = answered.get(tag)
    if (digest !== undefined) tagDigests.set(tag, digest)
  }
  return { tagDigests, tagsFromCache, failures }
}

async function resolveTag(
  run: UsageRun,
  repository: string,
  tag: string,
  hints: RepositoryTagHints,
  given: string | undefined,
): Promise<{ digest: string; fromCache: boolean } | null> {
  if (given !== undefined) {
    hints.set(tag, given)
    await loadRoot(run, repository, given)
    return { digest: given, fromCache: false }
  }
  const hint = hints.get(tag)
  if (!run.verify && hint !== undefined && (isLoaded(run.context.graph, hint) || (await run.context.cache.get(hint)) !== null)) {
    await loadRoot(run, repository, hint)
    return { digest: hint, fromCache: true }
  }
  let loaded: Awaited<ReturnType<ContentLoader['load']>>
  try {
    loaded = await run.content.load(repository, tag, hint)
  } catch (error) {
    // Deleted since the listing: not a failure, just no longer part of the repository.
    if (toErrorData(error).code === 'not_found') {
      hints.forget(tag)
      return null
    }
    throw error
  }
  hints.set(tag, loaded.digest)
  await loadRoot(run, repository, loaded.digest, { bytes: loaded.manifest.bytes, parsed: loaded.manifest.parsed })
  return { digest: loaded.digest, fromCache: false }
}

const askedReferrers = new WeakMap<UsageRun, Set<string>>()

/** A tag's manifest and what it references, and (once per run and digest) its referrers. */
export async function loadRoot(
  run: UsageRun,
  repository: string,
  digest: string,
  manifest?: Parameters<UsageLoader['load']>[2],
): Promise<void> {
  await run.loader.load(repository, digest, manifest)
  let asked = askedReferrers.get(run)
  if (asked === undefined) askedReferrers.set(run, (asked = new Set()))
  if (asked.has(digest)) return
  asked.add(digest)
  await run.loader.loadReferrers(repository, digest)
}

function isLoaded(graph: UsageGraph, digest: string): boolean {
  const node = graph.get(digest)
  return node !== undefined && node.partial === undefined
}
