// The default provider: every operation over the Docker Registry HTTP API v2 / OCI Distribution
// API alone. CNCF distribution, Harbor, GHCR, Quay, ECR and zot are browsed this way; GitLab and
// Docker Hub wrap this provider and replace what their own APIs do better.
import { BerthError } from '../../shared/errors'
import { genericCapabilities } from '../../shared/registry-capabilities'
import type { RegistryKind, RegistryProfile, RepositoryListing } from '../../shared/types'
import type { RegistryClient } from '../http/client-types'
import { cachedTagDetails } from '../operations/cached-details'
import { createContentLoader, resolveTagDigests } from '../operations/content-loader'
import { createTagDeleter } from '../operations/delete-tags'
import { inspectReference } from '../operations/inspect'
import { defaultTagDetailsConcurrency, loadTagDetails } from '../operations/tag-details'
import { streamTagDetails } from '../operations/tag-details-stream'
import { tagIndexForCache } from '../stores/cache/tag-index'
import type { DigestCache } from '../stores/cache/digest-cache'
import { DeleteStepError, type RegistryProvider } from './provider'

export interface GenericProviderOptions {
  client: RegistryClient
  /** The profile, when the registry has one: its kind names the no-catalog reason, its favourites join the list. */
  profile?: RegistryProfile | null
  cache?: DigestCache
  /** Tags resolved at once. */
  concurrency?: number
  /** The repositories added by name, as saved now; default the profile's. */
  favorites?: () => readonly string[]
}

/** HEADs in flight while resolving many tags (delete previews, sibling checks). */
const resolveConcurrency = 16

export function createGenericProvider(options: GenericProviderOptions): RegistryProvider {
  const { client } = options
  const profile = options.profile ?? null
  const kind: RegistryKind = profile?.kind ?? 'generic'
  const concurrency = options.concurrency ?? defaultTagDetailsConcurrency
  const signalOf = (signal: AbortSignal | undefined) => (signal ? { signal } : {})

  const provider: RegistryProvider = {
    kind,
    capabilities: genericCapabilities,
    client,
    async listRepositories(request = {}): Promise<RepositoryListing> {
      const listing = await client.catalog(signalOf(request.signal))
      const favorites = options.favorites?.() ?? profile?.favorites ?? []
      const repositories = [...new Set([...listing.repositories, ...favorites])].sort()
      const reason = listing.catalog === 'unavailable' ? (noCatalogReason(kind) ?? listing.reason) : listing.reason
      return reason === undefined ? { ...listing, repositories } : { ...listing, repositories, reason }
    },
    async listTags(repository, request = {}) {
      return { repository, tags: await client.listTags(repository, signalOf(request.signal)) }
    },
    getTagDetails(repository, tags, request = {}) {
      return loadTagDetails(client, repository, tags, {
        concurrency,
        ...(options.cache ? { cache: options.cache } : {}),
        ...signalOf(request.signal),
        ...(request.onResult ? { onResult: request.onResult } : {}),
        ...(request.persist ? { persist: request.persist } : {}),
      })
    },
    streamTagDetails(repository, source, request) {
      return streamTagDetails(client, repository, source, {
        concurrency,
        signal: request.signal,
        onResult: request.onResult,
        ...(options.cache ? { cache: options.cache } : {}),
      })
    },
    async syncTagHints(repository, listed) {
      if (!options.cache) return
      const hints = await tagIndexForCache(options.cache).open(client.endpoint.host, repository)
      hints.keepOnly(new Set(listed))
      hints.saveSoon()
    },
    async forgetTagHints(repository, tags) {
      if (!options.cache) return
      const hints = await tagIndexForCache(options.cache).open(client.endpoint.host, repository)
      for (const tag of tags) hints.forget(tag)
      hints.saveSoon()
    },
    async cachedTagDetails(repository) {
      if (!options.cache) return { repository, tags: {}, details: [] }
      return cachedTagDetails(options.cache, client.endpoint.host, repository)
    },
    inspect(repository, reference, request = {}) {
      return inspectReference(client, repository, reference, {
        ...(options.cache ? { cache: options.cache } : {}),
        ...signalOf(request.signal),
        ...(request.platform ? { platform: request.platform } : {}),
      })
    },
    resolveTags(repository, tags, request = {}) {
      const loader = createContentLoader(client, options.cache, request.signal)
      return resolveTagDigests(loader, repository, tags, resolveConcurrency, request.signal)
    },
    async tagDigests(repository, request = {}) {
      const tags = await client.listTags(repository, signalOf(request.signal))
      return provider.resolveTags(repository, tags, request)
    },
    async deleteTag(repository, tag, digest, stillAt) {
      const deleter = createTagDeleter(client, createContentLoader(client, options.cache))
      const outcome = await deleter.deleteTag(repository, tag, digest, stillAt)
      if (!outcome.ok) throw new DeleteStepError(outcome.method, outcome.error)
      return outcome.method
    },
    deleteDigest: (repository, digest) => client.deleteManifest(repository, digest),
    submitServerCleanup() {
      return Promise.reject(
        new BerthError({
          code: 'unsupported',
          message: 'This registry runs no cleanup of its own: only GitLab registries do.',
          fix: 'Use cleanup rules instead (berth cleanup, or Clean up… in the app): Berth deletes the planned tags one by one.',
        }),
      )
    },
    rateLimit: () => client.rateLimit(),
    close: () => client.close(),
  }
  return provider
}

/**
 * Why a registry of this kind shows no catalog, in its own terms (docs/registry-notes.md
 * "Listing"); null keeps the client's generic explanation.
 */
export function noCatalogReason(kind: RegistryKind): string | null {
  switch (kind) {
    case 'ghcr':
      return (
        'GitHub Container Registry has no catalog: add packages by name (owner/image), ' +
        'e.g. from the Packages tab of a GitHub user or organization.'
      )
    case 'quay':
      return 'Quay lists only repositories your account owns in its catalog: add others by name (namespace/repository).'
    case 'ecr':
      return 'Amazon ECR serves no catalog over the registry API (its repository list is an AWS API call): add repositories by name.'
    case 'harbor':
      return 'Harbor shows the catalog to system administrators only: add repositories by name (project/repository).'
    case 'zot':
      return 'This zot instance does not list its repositories to this account: add them by name.'
    default:
      return null
  }
}
