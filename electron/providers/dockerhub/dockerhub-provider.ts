// Docker Hub (docs/registry-notes.md "Listing", "Manifests", "Errors"): no catalog, so repositories come
// from the signed-in user's namespace via the Hub API plus favourites (`library/` for official
// images); details resolve digests with HEAD (free) and GET a manifest only when its digest is not
// cached (a GET counts as a pull); push dates from the Hub API; the pull quota from the
// `ratelimit-*` headers; tag deletes through the Hub API, which removes only that tag.
import { BerthError, toErrorData } from '../../../shared/errors'
import { dockerHubCapabilities } from '../../../shared/registry-capabilities'
import type { RegistryProfile, RepositoryListing, TagDetailsResult } from '../../../shared/types'
import type { CredentialSource } from '../../http/client-types'
import { createBoundedPool } from '../../http/bounded-pool'
import { parseRegistryAddress } from '../../http/reference'
import { createContentLoader } from '../../operations/content-loader'
import { describeManifest } from '../../operations/tag-details'
import type { DigestCache } from '../../stores/cache/digest-cache'
import { DeleteStepError, type ProviderTagList, type RegistryProvider } from '../provider'
import { createHubApi, defaultHubApiUrl, hubRepositoryName, type HubTag } from './hub-api'

export interface DockerHubProviderOptions {
  profile: RegistryProfile
  credentials: CredentialSource
  cache?: DigestCache
  concurrency: number
  /** Docker Hub API base URL; tests point it at a recording. */
  dockerHubApiUrl?: string
  /** The repositories added by name, as saved now. */
  favorites: () => readonly string[]
}

export const dockerHubNoCatalogReason =
  'Docker Hub has no catalog. Berth shows your namespace (from the Hub API) and your favourites; ' +
  'add public images by name, e.g. library/alpine.'

/** Docker Hub names official images `library/<name>`; users type `alpine`. */
export function normalizeHubRepository(repository: string): string {
  return repository.includes('/') ? repository : `library/${repository}`
}

/** Docker Hub through its own API and HEAD-only digest checks, on top of the generic provider (`base`). */
export function createDockerHubProvider(base: RegistryProvider, options: DockerHubProviderOptions): RegistryProvider {
  const { client } = base
  const { profile } = options
  const hub = createHubApi({
    endpoint: parseRegistryAddress(options.dockerHubApiUrl ?? defaultHubApiUrl, { insecure: false }),
    account: async () => {
      const credential = await options.credentials()
      return credential?.kind === 'basic' ? { username: credential.username, password: credential.password } : null
    },
  })
  const pushed = new Map<string, Map<string, HubTag>>()

  async function hubTags(repository: string): Promise<Map<string, HubTag>> {
    const known = pushed.get(repository)
    if (known) return known
    const byName = new Map((await hub.listTags(repository)).map((tag) => [tag.name, tag]))
    pushed.set(repository, byName)
    return byName
  }

  /**
   * HEAD every tag whatever host the profile names (a mirror or proxy of Hub counts pulls the same
   * way), then the manifest from the digest cache, or one GET by digest when it is new.
   */
  async function detailsByHead(repository: string, tags: string[], signal: AbortSignal | undefined): Promise<TagDetailsResult[]> {
    const loader = createContentLoader(client, options.cache, signal)
    const pool = createBoundedPool(options.concurrency, signal)
    const requestOptions = signal ? { signal } : {}
    return Promise.all(
      tags.map((tag) =>
        pool
          .run(async () => {
            const head = await client.headManifest(repository, tag, requestOptions)
            const digest = head.digest ?? (await client.getManifest(repository, tag, requestOptions)).digest
            const manifest = await loader.manifest(repository, digest, head.mediaType)
            return describeManifest(loader, repository, tag, digest, manifest.parsed)
          })
          .then(
            (details): TagDetailsResult => ({ tag, ok: true, details }),
            (error: unknown): TagDetailsResult => ({ tag, ok: false, error: toErrorData(error) }),
          ),
      ),
    )
  }

  return {
    ...base,
    kind: 'dockerhub',
    capabilities: dockerHubCapabilities,
    async listRepositories(): Promise<RepositoryListing> {
      const namespace = profile.username?.toLowerCase()
      let own: string[] = []
      let note = ''
      if (namespace) {
        try {
          own = await hub.listRepositories(namespace)
        } catch (error) {
          note = ` (Listing ${namespace} failed: ${toErrorData(error).message})`
        }
      }
      const favorites = options.favorites().map(normalizeHubRepository)
      return {
        repositories: [...new Set([...own, ...favorites])].sort(),
        catalog: 'unavailable',
        reason: `${dockerHubNoCatalogReason}${note}`,
      }
    },
    async listTags(repository, request = {}): Promise<ProviderTagList> {
      const name = normalizeHubRepository(repository)
      pushed.delete(name)
      const list = await base.listTags(name, request)
      return { repository, tags: list.tags, rateLimit: client.rateLimit() }
    },
    async getTagDetails(repository, tags, request = {}): Promise<TagDetailsResult[]> {
      const name = normalizeHubRepository(repository)
      const [results, dates] = await Promise.all([
        detailsByHead(name, tags, request.signal),
        // Push dates are a nicety: a Hub API failure must not fail the details.
        hubTags(name).catch(() => new Map<string, HubTag>()),
      ])
      return results.map((result) => {
        const date = dates.get(result.tag)?.pushed
        const row = result.ok && date ? { ...result, details: { ...result.details, pushed: date } } : result
        request.onResult?.(row)
        return row
      })
    },
    // Not the generic stream: rows come from this provider's getTagDetails, tag by tag.
    streamTagDetails: undefined,
    // Hub rows come from HEADs and the Hub API; the local row cache is not consulted (a GET counts as a pull).
    cachedTagDetails: (repository) => Promise.resolve({ repository, tags: {}, details: [] }),
    inspect: (repository, reference, request) => base.inspect(normalizeHubRepository(repository), reference, request),
    resolveTags: (repository, tags, request) => base.resolveTags(normalizeHubRepository(repository), tags, request),
    tagDigests: (repository, request) => base.tagDigests(normalizeHubRepository(repository), request),
    async deleteTag(repository, tag) {
      const name = normalizeHubRepository(repository)
      try {
        await hub.deleteTag(name, tag)
      } catch (error) {
        throw new DeleteStepError('tag-delete', toErrorData(error))
      }
      pushed.get(name)?.delete(tag)
      return 'tag-delete'
    },
    deleteDigest() {
      return Promise.reject(
        new BerthError({
          code: 'unsupported',
          message: 'Docker Hub deletes tags, not manifests by digest.',
          fix: 'Delete the tags instead (only this tag).',
        }),
      )
    },
    async close() {
      await Promise.all([hub.close(), base.close()])
    },
  }
}

export { hubRepositoryName }
