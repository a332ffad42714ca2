// Docker Hub (REGISTRY-NOTES "Listing", "Manifests", "Errors"): no catalog, so repositories come
// from the signed-in user's namespace via the Hub API plus favourites (`library/` for official
// images); details resolve digests with HEAD (free) and GET a manifest only when its digest is not
// cached (a GET counts as a pull); push dates from the Hub API; the pull quota from the
// `ratelimit-*` headers; tag deletes through the Hub API, which removes only that tag.
import { BerthError, toErrorData } from '../../../shared/errors'
import type { DeleteResult, RepositoryListing, TagDetailsResult } from '../../../shared/types'
import { parseRegistryAddress } from '../../http/reference'
import type { ProviderContext, ProviderTagList, RegistryProvider } from '../provider'
import { createBoundedPool } from '../../http/bounded-pool'
import { createContentLoader } from '../../operations/content-loader'
import { describeManifest } from '../../operations/tag-details'
import { createHubApi, defaultHubApiUrl, hubRepositoryName, type HubTag } from './hub-api'

export const dockerHubNoCatalogReason =
  'Docker Hub has no catalog. Berth shows your namespace (from the Hub API) and your favourites; add public images by name, e.g. library/alpine.'

/** Docker Hub names official images `library/<name>`; users type `alpine`. */
export function normalizeHubRepository(repository: string): string {
  return repository.includes('/') ? repository : `library/${repository}`
}

export function createDockerHubProvider(context: ProviderContext): RegistryProvider {
  const { client, profile } = context
  const hubUrl = context.dockerHubApiUrl ?? defaultHubApiUrl
  const hub = createHubApi({
    endpoint: parseRegistryAddress(hubUrl, { insecure: false }),
    account: async () => {
      const credential = await context.credentials()
      return credential?.kind === 'basic' ? { username: credential.username, password: credential.password } : null
    },
  })
  const pushed = new Map<string, Map<string, HubTag>>()

  async function hubTags(repository: string): Promise<Map<string, HubTag>> {
    const known = pushed.get(repository)
    if (known) return known
    const byName = new Map((await hub.listTags(repository)).map((t) => [t.name, t]))
    pushed.set(repository, byName)
    return byName
  }

  /**
   * HEAD every tag whatever host the profile names (a mirror or proxy of Hub counts pulls the same
   * way), then the manifest from the digest cache, or one GET by digest when it is new.
   */
  async function detailsByHead(repository: string, tags: string[]): Promise<TagDetailsResult[]> {
    const loader = createContentLoader(client, context.cache)
    const pool = createBoundedPool(context.concurrency)
    return Promise.all(
      tags.map((tag) =>
        pool
          .run(async () => {
            const head = await client.headManifest(repository, tag)
            const digest = head.digest ?? (await client.getManifest(repository, tag)).digest
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
    kind: 'dockerhub',
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
      const favorites = profile.favorites.map(normalizeHubRepository)
      return {
        repositories: [...new Set([...own, ...favorites])].sort(),
        catalog: 'unavailable',
        reason: `${dockerHubNoCatalogReason}${note}`,
      }
    },
    async listTags(repository): Promise<ProviderTagList> {
      pushed.delete(repository)
      return { repository, tags: await client.listTags(normalizeHubRepository(repository)), rateLimit: client.rateLimit() }
    },
    async getTagDetails(repository, tags): Promise<TagDetailsResult[]> {
      const name = normalizeHubRepository(repository)
      const [results, dates] = await Promise.all([
        detailsByHead(name, tags),
        // Push dates are a nicety: a Hub API failure must not fail the details.
        hubTags(name).catch(() => new Map<string, HubTag>()),
      ])
      return results.map((r) => {
        const date = dates.get(r.tag)?.pushed
        return r.ok && date ? { ...r, details: { ...r.details, pushed: date } } : r
      })
    },
    async deleteTags(repository, tags, mode, expectedDigests): Promise<DeleteResult[]> {
      const name = normalizeHubRepository(repository)
      const registry = client.endpoint.host
      const results: DeleteResult[] = []
      for (const tag of [...new Set(tags)]) {
        let digest = expectedDigests?.[tag] ?? ''
        try {
          if (mode === 'digest') {
            throw new BerthError({
              code: 'unsupported',
              message: 'Docker Hub deletes tags, not manifests by digest.',
              fix: 'Delete the tags instead (tag mode).',
            })
          }
          // HEAD, not GET: checking what a tag points at must not use up the pull quota.
          const current = (await client.headManifest(name, tag)).digest
          if (expectedDigests?.[tag] !== undefined && current !== null && current !== expectedDigests[tag]) {
            throw new BerthError({
              code: 'conflict',
              message: `${name}:${tag} now points at ${current}, not the ${expectedDigests[tag]} you confirmed; it was not deleted.`,
              fix: 'Reload the tags and confirm again.',
            })
          }
          digest = current ?? digest
          await hub.deleteTag(name, tag)
          pushed.get(name)?.delete(tag)
          results.push({ tag, digest, ok: true, method: 'tag-delete', removedTags: [tag] })
          await context.audit.append({
            time: new Date().toISOString(),
            registry,
            repository: name,
            tag,
            digest,
            method: 'tag-delete',
            result: 'ok',
          })
        } catch (error) {
          const data = toErrorData(error)
          results.push({ tag, digest, ok: false, removedTags: [], error: data })
          await context.audit.append({
            time: new Date().toISOString(),
            registry,
            repository: name,
            tag,
            digest: digest || 'unknown',
            method: 'tag-delete',
            result: 'error',
            error: data.message,
          })
        }
      }
      return results
    },
    close: () => hub.close(),
  }
}

export { hubRepositoryName }
