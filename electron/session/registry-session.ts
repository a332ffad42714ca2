// One registry, as every door sees it: the desktop app (IPC), the web mode and the CLI call these
// methods and nothing below them. A session holds the registry's provider (which holds the v2
// client: transport, auth, TLS trust) and the shared caches and audit log; it owns the policy that
// must not differ between doors: delete safety (delete-safety.ts) and cleanup planning.
import { BerthError, toErrorData } from '../../shared/errors'
import { evaluateCleanup, type CleanupPlan, type CleanupRulesInput } from '../../shared/cleanup-rules'
import type {
  CachedTagDetails,
  DeleteMode,
  DeletePreview,
  DeleteResult,
  Inspection,
  RegistryCapabilities,
  RegistryProfile,
  RepositoryListing,
  TagDetailsResult,
} from '../../shared/types'
import { createBoundedPool } from '../http/bounded-pool'
import type { RateLimitInfo } from '../http/client-types'
import { isDigest } from '../http/digest'
import { cleanupTagInfos } from '../operations/cleanup'
import type { ProviderTagList, RegistryProvider, ServerCleanupRequest, ServerCleanupResult, TagDetailsRequest } from '../providers/provider'
import type { AuditLog } from '../stores/audit-log'
import { whyNotATagName } from '../../shared/tag-name'
import type { PlatformName } from '../../shared/platform'
import { gitlabBulkParameters } from '../../shared/gitlab-cleanup'
import type { RegistryUsage, RepositoryUsage, UntaggedDeletePreview, UntaggedDeleteResult } from '../../shared/usage'
import { createDigestCache, type DigestCache } from '../stores/cache/digest-cache'
import { createUsageGraph } from '../operations/usage-graph'
import { deleteConfirmed, deleteUntaggedConfirmed, previewWithDigests, type DeleteRequest } from './delete-safety'
import { danglingReferrers } from './delete-referrers'
import { checkUntagged, planWithStorage, previewWithStorage, untaggedEffectOf } from './usage-effects'
import type { UsageContext, UsageRunOptions } from './usage-run'
import { measureRegistry, measureRepository } from './usage-service'
import { createDetailsJob, type DetailsJob, type DetailsPriority } from './details-job'

export interface RegistrySession {
  /** host[:port], as in image references and the audit log. */
  readonly registry: string
  /** scheme + host[:port] as the registry answers now (http:// once a loopback registry fell back to it). */
  readonly url: string
  /** The saved profile, or null for a registry named on the command line without one. */
  readonly profile: RegistryProfile | null
  readonly capabilities: RegistryCapabilities
  listRepositories(): Promise<RepositoryListing>
  listTags(repository: string, options?: { signal?: AbortSignal }): Promise<ProviderTagList>
  getTagDetails(repository: string, tags: string[], options?: TagDetailsRequest): Promise<TagDetailsResult[]>
  cachedTagDetails(repository: string): Promise<CachedTagDetails>
  /** `platform`: for an index, the platform image to show (its manifest, config, layers and history). */
  inspect(repository: string, reference: string, options?: { platform?: PlatformName }): Promise<Inspection>
  /** The digest `tag` points at now (a HEAD where the registry sends the digest). */
  resolveTag(repository: string, tag: string): Promise<string>
  previewDelete(repository: string, tags: string[], mode: DeleteMode, options?: { signal?: AbortSignal }): Promise<DeletePreview>
  /** Deletes exactly what the user confirmed (see delete-safety.ts), or refuses with a conflict. */
  deleteTags(repository: string, request: DeleteRequest, options?: { signal?: AbortSignal }): Promise<DeleteResult[]>
  planCleanup(repository: string, rules: CleanupRulesInput, options?: CleanupPlanOptions): Promise<CleanupPlan>
  runCleanup(
    repository: string,
    tags: readonly string[],
    expectedDigests: Record<string, string>,
    options?: CleanupRunOptions,
  ): Promise<CleanupRunResult>
  submitServerCleanup(repository: string, request: ServerCleanupRequest): Promise<ServerCleanupResult>
  /** Storage usage of one repository: per tag, and the untagged images seen before (usage-service.ts). */
  repositoryUsage(repository: string, options?: UsageRunOptions): Promise<RepositoryUsage>
  /** Storage usage of every repository under `prefix` ('' = the whole registry), blobs shared across them once. */
  registryUsage(prefix: string, options?: UsageRunOptions): Promise<RegistryUsage>
  /** Untagged images to delete by digest: refused if a tag points at or reaches one (usage-effects.ts). */
  previewUntaggedDelete(repository: string, digests: readonly string[], options?: { signal?: AbortSignal }): Promise<UntaggedDeletePreview>
  /** Deletes untagged images by digest, after checking again that no tag points at or reaches them. */
  deleteUntagged(repository: string, digests: readonly string[], options?: { signal?: AbortSignal }): Promise<UntaggedDeleteResult[]>
  /**
   * The app's way to load details: a job over the tags this session last listed for the repository
   * (listing them now if it has not), following the table's priorities (details-job.ts).
   */
  openDetailsJob(repository: string, options: DetailsJobRequest): Promise<DetailsJob>
  rateLimit(): RateLimitInfo | null
  close(): Promise<void>
}

export interface CleanupPlanOptions {
  /** Only these tags may be removed; keep-n still ranks the whole repository. */
  selection?: readonly string[]
  /** Milliseconds since the epoch (tests pin it). Default: now. */
  now?: number
  signal?: AbortSignal
  /** Details read so far, of how many. */
  onProgress?: (done: number, total: number) => void
}

export interface CleanupRunOptions {
  signal?: AbortSignal
  /** Called after each tag with the count finished so far. */
  onProgress?: (done: number, total: number, last: DeleteResult) => void
}

export interface CleanupRunResult {
  repository: string
  results: DeleteResult[]
  removed: string[]
  /** Failed or refused tags: pass them to `runCleanup` again to retry just those. */
  failed: string[]
  /** Tags never attempted because the run was cancelled. */
  cancelled: string[]
}

export interface RegistrySessionOptions {
  provider: RegistryProvider
  profile: RegistryProfile | null
  audit?: AuditLog
  /** Request slots of a details job where the provider has no stream of its own. Default 8. */
  concurrency?: number
  /** The digest cache (and the tag hints and history beside it) storage usage reads; default a memory cache. */
  cache?: DigestCache
  /** Registry requests in flight while storage usage is measured. Default 16. */
  usageConcurrency?: number
}

export interface DetailsJobRequest {
  priority?: DetailsPriority
  onResult: (result: TagDetailsResult) => void
}

/** Each session's provider, for the session layer's own cross-registry work (copy-service.ts); doors never see it. */
const providers = new WeakMap<RegistrySession, RegistryProvider>()

export function providerOfSession(session: RegistrySession): RegistryProvider {
  const provider = providers.get(session)
  if (provider === undefined) throw new BerthError({ code: 'internal', message: 'This session was not built by createRegistrySession.' })
  return provider
}

export function createRegistrySession(options: RegistrySessionOptions): RegistrySession {
  const { provider } = options
  const registry = provider.client.endpoint.host
  const deleteOptions = (signal: AbortSignal | undefined) => ({
    registry,
    ...(options.audit ? { audit: options.audit } : {}),
    ...(signal ? { signal } : {}),
  })

  /** Tags a delete removed lose their local hints at once (not only at the next listing). */
  async function forgetRemoved(repository: string, results: readonly DeleteResult[]): Promise<void> {
    const removed = results.flatMap((result) => (result.ok ? result.removedTags : []))
    if (removed.length > 0) await provider.forgetTagHints(repository, removed).catch(() => undefined)
  }

  /** The last tag list of each repository, for details jobs. */
  const lastListed = new Map<string, string[]>()

  const usage: UsageContext = {
    provider,
    cache: options.cache ?? createDigestCache({}),
    graph: createUsageGraph(),
    concurrency: options.usageConcurrency ?? 16,
    listTags: async (repository, request) => (await session.listTags(repository, request)).tags,
  }
  /** The graph keeps every manifest measured: past this many, a new run starts it afresh. */
  const maxGraphNodes = 500_000
  const usageContext = (): UsageContext => {
    if (usage.graph.size > maxGraphNodes) usage.graph = createUsageGraph()
    return usage
  }

  const session: RegistrySession = {
    registry,
    get url() {
      return provider.client.endpoint.url
    },
    profile: options.profile,
    capabilities: provider.capabilities,
    listRepositories: () => provider.listRepositories(),
    async listTags(repository, request) {
      const list = await provider.listTags(repository, request)
      // A registry that lists a tag twice must not make two rows (nor a progress that never ends).
      const tags = uniqueInOrder(list.tags)
      lastListed.set(repository, tags)
      // The whole list is in: cached rows of tags deleted or renamed since must not come back.
      await provider.syncTagHints(repository, tags).catch(() => undefined)
      return { ...list, tags }
    },
    getTagDetails: (repository, tags, request) => detailsRowByRow(provider, repository, tags, request),
    cachedTagDetails: (repository) => provider.cachedTagDetails(repository),
    inspect: (repository, reference, request) => provider.inspect(repository, reference, request),
    async resolveTag(repository, tag) {
      const digest = (await provider.resolveTags(repository, [tag])).get(tag)
      if (digest === undefined) throw new BerthError({ code: 'not_found', message: `${repository} has no tag ${tag}.` })
      return digest
    },
    async previewDelete(repository, tags, mode, request = {}) {
      const { preview, current, everyTag } = await previewWithDigests(provider, repository, tags, mode, request)
      const withStorage = await previewWithStorage(usageContext(), preview, { current, everyTag }, request.signal)
      return { ...withStorage, ...(await danglingReferrers(provider, repository, withStorage, request)) }
    },
    async deleteTags(repository, request, runOptions = {}) {
      const results = await deleteConfirmed(provider, repository, request, deleteOptions(runOptions.signal))
      await forgetRemoved(repository, results)
      return results
    },

    async planCleanup(repository, rules, planOptions = {}) {
      const signal = planOptions.signal ? { signal: planOptions.signal } : {}
      const { tags } = await session.listTags(repository, signal)
      const known = new Set(tags)
      const unknown = (planOptions.selection ?? []).filter((tag) => !known.has(tag))
      if (unknown.length > 0) {
        throw new BerthError({
          code: 'not_found',
          message: `${repository} has no tag ${unknown.slice(0, 5).join(', ')}.`,
          fix: 'Reload the tag list: it may have been deleted already.',
        })
      }
      let done = 0
      const results = await detailsRowByRow(provider, repository, tags, {
        ...signal,
        persist: 'background',
        onResult: () => planOptions.onProgress?.(++done, tags.length),
      })
      const plan = evaluateCleanup(repository, cleanupTagInfos(results), rules, {
        now: planOptions.now ?? Date.now(),
        ...(planOptions.selection ? { selection: planOptions.selection } : {}),
      })
      return planWithStorage(usageContext(), plan, results, planOptions.signal)
    },

    async runCleanup(repository, tags, expectedDigests, runOptions = {}) {
      const unplanned = tags.filter((tag) => !Object.hasOwn(expectedDigests, tag))
      if (unplanned.length > 0) {
        throw new BerthError({
          code: 'invalid_input',
          message: `No previewed digest for ${unplanned.slice(0, 5).join(', ')}: nothing was deleted.`,
          fix: 'Preview the cleanup again.',
        })
      }
      // Tag-safe only, one tag at a time (docs/registry-notes.md "Quirks": overlapping DELETEs), each
      // checked against the digest the plan showed. A cancel stops starting new deletions; one in
      // flight finishes, since a DELETE already sent cannot be called back.
      const unique = [...new Set(tags)]
      const pool = createBoundedPool(1, runOptions.signal)
      let done = 0
      const results = await Promise.all(
        unique.map((tag) =>
          pool
            .run(async () => {
              const expected = { [tag]: expectedDigests[tag] ?? '' }
              const [result] = await session.deleteTags(repository, { tags: [tag], mode: 'tag', expectedDigests: expected })
              return (
                result ??
                notAttempted(tag, expectedDigests[tag] ?? '', new BerthError({ code: 'internal', message: `No result for ${tag}.` }))
              )
            })
            .catch((error: unknown) => notAttempted(tag, expectedDigests[tag] ?? '', error))
            .then((result) => {
              done++
              try {
                runOptions.onProgress?.(done, unique.length, result)
              } catch {
                // A listener's bug must not turn a finished deletion into a failed one.
              }
              return result
            }),
        ),
      )
      const isCancelled = (result: DeleteResult): boolean => !result.ok && result.error?.code === 'cancelled'
      return {
        repository,
        results,
        removed: results.filter((result) => result.ok).map((result) => result.tag),
        failed: results.filter((result) => !result.ok && !isCancelled(result)).map((result) => result.tag),
        cancelled: results.filter(isCancelled).map((result) => result.tag),
      }
    },

    async submitServerCleanup(repository, request) {
      // One entry per submission: the registry picks the tags later, so the parameters are the record.
      const entry = {
        registry,
        repository,
        tag: null,
        digest: '',
        method: 'gitlab-bulk-delete' as const,
        detail: serverCleanupDetail(request),
      }
      try {
        const accepted = await provider.submitServerCleanup(repository, request)
        await options.audit?.append({ ...entry, time: new Date().toISOString(), result: 'ok' }).catch(() => undefined)
        return accepted
      } catch (error) {
        const data = toErrorData(error)
        await options.audit
          ?.append({ ...entry, time: new Date().toISOString(), result: 'error', error: `${data.code}: ${data.message}` })
          .catch(() => undefined)
        throw error
      }
    },
    async openDetailsJob(repository, request) {
      // The tags the table shows are the ones listed last: a 200,000-tag list is not sent back.
      const tags = lastListed.get(repository) ?? (await session.listTags(repository)).tags
      // Names that are no valid tag fail their own rows at once; the job loads the others.
      const valid: string[] = []
      for (const tag of tags) {
        const invalidRow = invalidTagRow(tag)
        if (invalidRow === null) valid.push(tag)
        else request.onResult(invalidRow)
      }
      return createDetailsJob({
        provider,
        repository,
        tags: valid,
        concurrency: options.concurrency ?? 8,
        onResult: request.onResult,
        ...(request.priority ? { priority: request.priority } : {}),
      })
    },
    repositoryUsage: (repository, runOptions = {}) => measureRepository(usageContext(), repository, runOptions),
    registryUsage: (prefix, runOptions = {}) => measureRegistry(usageContext(), prefix, runOptions),
    async previewUntaggedDelete(repository, digests, request = {}) {
      const context = usageContext()
      const { checks, tagDigests } = await checkUntagged(context, repository, digests, request.signal)
      try {
        const { perDigest, ...storage } = await untaggedEffectOf(context, repository, checks, tagDigests, request.signal)
        return {
          repository,
          items: checks.map((check) => ({ ...check, ...(perDigest.get(check.digest) ?? { bytes: 0, freesBytes: 0 }) })),
          freesBytes: storage.freesBytes,
          keptBytes: storage.keptBytes,
          storage,
        }
      } catch (error) {
        if (toErrorData(error).code === 'cancelled') throw error
        return {
          repository,
          items: checks.map((check) => ({ ...check, bytes: 0, freesBytes: 0 })),
          freesBytes: null,
          keptBytes: null,
          storage: null,
        }
      }
    },
    deleteUntagged: (repository, digests, request = {}) =>
      deleteUntaggedConfirmed(provider, usageContext(), repository, digests, deleteOptions(request.signal)),
    rateLimit: () => provider.rateLimit(),
    close: () => provider.close(),
  }
  providers.set(session, provider)
  return session
}

/**
 * Details for `tags`, each validated on its own: a name the registry listed but that is no valid
 * tag (an escape character, say) fails its own row with the reason, and the others still load.
 */
async function detailsRowByRow(
  provider: RegistryProvider,
  repository: string,
  tags: readonly string[],
  request: TagDetailsRequest = {},
): Promise<TagDetailsResult[]> {
  const valid: string[] = []
  const invalid = new Map<string, TagDetailsResult>()
  for (const tag of uniqueInOrder(tags)) {
    // A digest is no tag name, but describes the same way (`berth pull-cmd REPO@sha256:…` asks for one).
    const row = isDigest(tag) ? null : invalidTagRow(tag)
    if (row === null) {
      valid.push(tag)
      continue
    }
    invalid.set(tag, row)
    request.onResult?.(row)
  }
  const loaded = valid.length > 0 ? await provider.getTagDetails(repository, valid, request) : []
  const byTag = new Map(loaded.map((row) => [row.tag, row]))
  return uniqueInOrder(tags).flatMap((tag) => {
    const row = invalid.get(tag) ?? byTag.get(tag)
    return row ? [row] : []
  })
}

/** The error row of a listed name that is no valid tag, or null for a valid one. */
function invalidTagRow(tag: string): TagDetailsResult | null {
  const why = whyNotATagName(tag)
  if (why === null) return null
  return {
    tag,
    ok: false,
    error: {
      code: 'invalid_response',
      message: `The registry lists a tag that is not a valid tag name: ${why}.`,
      fix: 'No client can pull it by this name; ask the registry administrator to remove it.',
    },
  }
}

/** GitLab's own parameter names, as the request sent them: what the audit log keeps of a bulk cleanup. */
export function serverCleanupDetail(request: ServerCleanupRequest): string {
  return gitlabBulkParameters(request)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')
}

function uniqueInOrder(items: readonly string[]): string[] {
  return [...new Set(items)]
}

function notAttempted(tag: string, digest: string, error: unknown): DeleteResult {
  return { tag, digest, ok: false, removedTags: [], error: toErrorData(error) }
}
