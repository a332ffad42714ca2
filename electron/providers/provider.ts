// A provider is how Berth does each registry operation on one kind of registry. The generic v2/OCI
// provider (generic-provider.ts) does them all over the Distribution API; GitLab and Docker Hub
// wrap it and replace only what their own APIs do better (listing, push dates, tag deletion).
// Providers hold no delete policy: what may be deleted, the confirmed set, the checks and the audit
// entries are the session's (electron/session/delete-safety.ts).
import { BerthError, type BerthErrorData } from '../../shared/errors'
import type {
  CachedTagDetails,
  DeleteMethod,
  Inspection,
  RegistryCapabilities,
  RegistryKind,
  RepositoryListing,
  TagDetailsResult,
  TagList,
} from '../../shared/types'
import type { ReportedSizeSource } from '../../shared/usage'
import type { PlatformName } from '../../shared/platform'
import type { RateLimitInfo, RegistryClient } from '../http/client-types'
import type { TagDetailsStream, TagSource } from '../operations/tag-details-stream'

export interface ProviderTagList extends TagList {
  /** Docker Hub's pull quota as last reported (`ratelimit-*` headers), when the registry sends one. */
  rateLimit?: RateLimitInfo | null
}

export interface SignalOption {
  signal?: AbortSignal
}

export interface InspectRequest extends SignalOption {
  /** For an index: the platform to show (shared/platform.ts matching); none shows only its entries. */
  platform?: PlatformName
}

export interface TagDetailsRequest extends SignalOption {
  /** Called with each row as soon as it is known. */
  onResult?: (result: TagDetailsResult) => void
  /** 'await': caches on disk before resolving (a CLI about to exit); 'background': on their timers (the app). */
  persist?: 'await' | 'background'
}

export interface TagDetailsStreamRequest {
  signal: AbortSignal
  onResult: (result: TagDetailsResult) => void
}

/** GitLab's bulk tag cleanup, in its own vocabulary (docs/registry-notes.md "Deletion"). */
export interface ServerCleanupRequest {
  nameRegexDelete: string
  nameRegexKeep?: string
  keepN?: number
  olderThan?: string
}

export interface ServerCleanupResult {
  repository: string
  status: 'accepted'
  /** The parameters the registry accepted, as sent (GitLab answers 202 with no body). */
  accepted: ServerCleanupRequest
  note: string
}

/** A size the registry reports about itself (GitLab: its metadata database), and what it counts. */
export interface ReportedRepositorySize {
  bytes: number
  source: ReportedSizeSource
  note: string
}

export interface ReportedUsageRequest extends SignalOption {
  /** The repositories Berth measured: each gets the registry's own figure where it has one. */
  repositories: readonly string[]
  /** The prefix measured ('' for the whole registry), or null for a single repository. */
  prefix: string | null
}

export interface ReportedUsage {
  repositories: Map<string, ReportedRepositorySize>
  /** The registry's own deduplicated figure for the prefix, when it has one. */
  prefix: ReportedRepositorySize | null
}

export interface RegistryProvider {
  readonly kind: RegistryKind
  readonly capabilities: RegistryCapabilities
  /** The v2 client every provider keeps for what its own API does not cover. */
  readonly client: RegistryClient
  listRepositories(options?: SignalOption): Promise<RepositoryListing>
  listTags(repository: string, options?: SignalOption): Promise<ProviderTagList>
  getTagDetails(repository: string, tags: string[], options?: TagDetailsRequest): Promise<TagDetailsResult[]>
  /**
   * Details pulled tag by tag from `source` as request slots free up (the app's visible rows first).
   * Absent where the provider has no cheaper way than getTagDetails per tag: the session then pulls
   * tags one at a time through getTagDetails.
   */
  streamTagDetails?(repository: string, source: TagSource, options: TagDetailsStreamRequest): TagDetailsStream
  /** The registry listed these tags, all of them: local hints of any other tag are dropped. */
  syncTagHints(repository: string, listed: readonly string[]): Promise<void>
  /** These tags were just deleted: their local hints go at once. */
  forgetTagHints(repository: string, tags: readonly string[]): Promise<void>
  /** What the local caches hold for the repository's tags, without a registry request. */
  cachedTagDetails(repository: string): Promise<CachedTagDetails>
  inspect(repository: string, reference: string, options?: InspectRequest): Promise<Inspection>
  /** The current digest of each of `tags`; a tag that does not exist is absent from the map. */
  resolveTags(repository: string, tags: readonly string[], options?: SignalOption): Promise<Map<string, string>>
  /** The current digest of every tag of the repository, in tag-list order. */
  tagDigests(repository: string, options?: SignalOption): Promise<Map<string, string>>
  /**
   * Removes `tag` and nothing else, the tag being at `digest` when called. `stillAt` re-checks
   * that right before an irreversible step a provider takes after some delay. Never retried.
   */
  deleteTag(repository: string, tag: string, digest: string, stillAt: () => Promise<void>): Promise<DeleteMethod>
  /** Removes the manifest at `digest`, and with it every tag on it. Never retried. */
  deleteDigest(repository: string, digest: string): Promise<void>
  submitServerCleanup(repository: string, request: ServerCleanupRequest): Promise<ServerCleanupResult>
  rateLimit(): RateLimitInfo | null
  /**
   * Each tag's digest as the provider's own listing just gave it (GitLab's /gitlab/v1 pages), so
   * storage usage needs no request per tag; null where the listing names tags only.
   */
  listedTagDigests?(repository: string): ReadonlyMap<string, string> | null
  /** Sizes the registry reports itself (GitLab); absent where it reports none. */
  reportedUsage?(request: ReportedUsageRequest): Promise<ReportedUsage>
  close(): Promise<void>
}

/** A failed delete step, carrying the method that was tried, for the session's audit entry. */
export class DeleteStepError extends BerthError {
  constructor(
    readonly method: DeleteMethod,
    data: BerthErrorData,
  ) {
    super(data)
  }
}
