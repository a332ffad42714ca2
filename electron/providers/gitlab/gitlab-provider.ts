// GitLab, browsed as GitLab's own UI does (docs/registry-notes.md "Listing", GLAPI, GLREG): repositories
// from the user's groups and projects through the REST API (the v2 catalog is admin-only), tags and
// their digests/sizes/push dates from the registry's /gitlab/v1 API one page per request where it
// exists (REST + /v2 otherwise), single-tag deletes through the REST API (never removing other tags
// on the same digest) and GitLab's asynchronous bulk cleanup.
import { BerthError, toErrorData } from '../../../shared/errors'
import { gitlabCapabilities } from '../../../shared/registry-capabilities'
import type { RepositoryListing, TagDetails, TagDetailsResult } from '../../../shared/types'
import { createBoundedPool } from '../../http/bounded-pool'
import type { CredentialSource, TlsTrust } from '../../http/client-types'
import { isIndexMediaType } from '../../http/media-types'
import { parseRegistryAddress } from '../../http/reference'
import { createContentLoader } from '../../operations/content-loader'
import { describeManifest, detailsForTag } from '../../operations/tag-details'
import type { DigestCache } from '../../stores/cache/digest-cache'
import type { RegistryProfile } from '../../../shared/types'
import {
  DeleteStepError,
  type ProviderTagList,
  type RegistryProvider,
  type ReportedRepositorySize,
  type ReportedUsage,
  type ReportedUsageRequest,
  type ServerCleanupResult,
} from '../provider'
import { createGitlabRegistryApi, type GitlabRegistryTag } from './gitlab-registry-api'
import {
  createGitlabRest,
  type GitlabBulkDelete,
  type GitlabDeployToken,
  type GitlabDeployTokenRequest,
  type GitlabRepository,
  type GitlabRest,
  type GitlabToken,
} from './gitlab-rest'

export interface GitlabProviderOptions {
  profile: RegistryProfile
  credentials: CredentialSource
  trust: TlsTrust
  cache?: DigestCache
  concurrency: number
  /** The repositories added by name, as saved now. */
  favorites: () => readonly string[]
}

export interface GitlabProvider extends RegistryProvider {
  readonly kind: 'gitlab'
  /** The GitLab instance URL: the profile's, or derived from the registry's token realm. */
  instanceUrl(): Promise<string>
  /** A deploy token through the REST API with the signed-in user's token (which needs the api scope). */
  createDeployToken(request: GitlabDeployTokenRequest): Promise<GitlabDeployToken>
}

export const bulkDeleteNote =
  'GitLab accepted the cleanup (202) and runs it in the background: tags disappear over the next minutes. ' +
  'It never deletes `latest`, and accepts one bulk cleanup per repository per hour.'

const sizeNoteGitlab = 'GitLab registry size: compressed layers + config + manifest.'

const reportedNotes = {
  self: "GitLab's own deduplicated size of the repository, from its registry's metadata database (/gitlab/v1, size=self).",
  descendants:
    "GitLab's own deduplicated size of this repository and every repository below it, from its registry's metadata " +
    'database (/gitlab/v1, size=self_with_descendants).',
  rest: "GitLab's own deduplicated size of the repository, from its REST API (size=true).",
}

/** The instance behind a GitLab registry: its token realm is `<gitlab>/jwt/auth` (docs/registry-notes.md "Auth"). */
export function instanceUrlFromRealm(realm: string): string | null {
  let url: URL
  try {
    url = new URL(realm)
  } catch {
    return null
  }
  if (!url.pathname.endsWith('/jwt/auth')) return null
  // A relative URL root (`https://host/gitlab/jwt/auth`) stays part of the instance URL.
  return `${url.origin}${url.pathname.slice(0, -'/jwt/auth'.length)}`
}

/** PAT → PRIVATE-TOKEN; a CI job token (username gitlab-ci-token) → JOB-TOKEN (GLAPI authentication). */
export function gitlabTokenFor(username: string, secret: string): GitlabToken {
  return username === 'gitlab-ci-token' ? { header: 'JOB-TOKEN', value: secret } : { header: 'PRIVATE-TOKEN', value: secret }
}

function detailsFromRow(row: GitlabRegistryTag): TagDetails {
  return {
    tag: row.name,
    digest: row.digest,
    mediaType: row.mediaType,
    kind: isIndexMediaType(row.mediaType) ? 'index' : 'image',
    configDigest: row.configDigest,
    size: row.sizeBytes,
    sizeNote: sizeNoteGitlab,
    created: null,
    createdSource: 'unknown',
    pushed: row.publishedAt,
    platforms: [],
    attestations: 0,
    artifactType: null,
  }
}

/** GitLab over its REST API and /gitlab/v1, on top of the generic provider (`base`) for everything else. */
export function createGitlabProvider(base: RegistryProvider, options: GitlabProviderOptions): GitlabProvider {
  const { client } = base
  const { profile } = options
  const registryApi = createGitlabRegistryApi({ endpoint: client.endpoint, trust: options.trust, credentials: options.credentials })
  const repositories = new Map<string, GitlabRepository>()
  const rows = new Map<string, Map<string, GitlabRegistryTag>>()
  let instance: Promise<string> | undefined
  let rest: Promise<GitlabRest> | undefined

  function instanceUrl(): Promise<string> {
    instance ??= (async () => {
      if (profile.gitlabUrl) return profile.gitlabUrl.replace(/\/+$/, '')
      const ping = await client.ping()
      const derived = ping.realm ? instanceUrlFromRealm(new URL(ping.realm, client.endpoint.url).href) : null
      return derived ?? client.endpoint.url
    })().catch((error: unknown) => {
      instance = undefined
      throw error
    })
    return instance
  }

  function restClient(): Promise<GitlabRest> {
    rest ??= instanceUrl().then((url) => {
      const parsed = new URL(url)
      const endpoint = { ...parseRegistryAddress(parsed.origin, { insecure: profile.insecure }), url: url.replace(/\/+$/, '') }
      // The pinned fingerprint belongs to the registry's certificate; the instance may be another
      // host, whose own pin (accepted for the token realm, which lives there) is in hostPins.
      const { caPems, hostPins } = options.trust
      const trust = endpoint.host === client.endpoint.host ? options.trust : { caPems, ...(hostPins ? { hostPins } : {}) }
      return createGitlabRest({
        endpoint,
        trust,
        token: async () => {
          const credential = await options.credentials()
          if (credential === null) return null
          if (credential.kind !== 'basic') return null
          return gitlabTokenFor(credential.username, credential.password)
        },
      })
    })
    return rest
  }

  async function registryApiAvailable(): Promise<boolean> {
    try {
      return await registryApi.available()
    } catch {
      return false
    }
  }

  /** Finds the REST ids of a repository not seen in a listing (a favourite): its project is a path prefix. */
  async function lookup(path: string): Promise<GitlabRepository> {
    const known = repositories.get(path)
    if (known) return known
    const api = await restClient()
    const parts = path.split('/')
    for (let depth = parts.length; depth >= 2; depth--) {
      let found: GitlabRepository[]
      try {
        found = await api.projectRepositories(parts.slice(0, depth).join('/'))
      } catch (error) {
        if (error instanceof BerthError && error.code === 'not_found') continue
        throw error
      }
      for (const repository of found) repositories.set(repository.path, repository)
      const hit = repositories.get(path)
      if (hit) return hit
    }
    throw new BerthError({
      code: 'not_found',
      message: `GitLab has no container repository ${path} visible to this token.`,
      fix: 'Check the path (group/project[/image]) and that your token can read that project.',
    })
  }

  async function loadRows(repository: string): Promise<Map<string, GitlabRegistryTag>> {
    const list = await registryApi.listTags(repository, { sort: '-published_at' })
    const byName = new Map(list.map((row) => [row.name, row]))
    rows.set(repository, byName)
    return byName
  }

  async function listRepositories(): Promise<RepositoryListing> {
    const api = await restClient()
    let groups: Awaited<ReturnType<GitlabRest['listGroups']>>
    let projects: Awaited<ReturnType<GitlabRest['listMemberProjects']>>
    try {
      ;[groups, projects] = await Promise.all([api.listGroups(), api.listMemberProjects()])
    } catch (error) {
      const signedIn = (await options.credentials().catch(() => null)) !== null
      if (!(error instanceof BerthError && error.code === 'unauthorized' && !signedIn)) throw error
      // Not signed in: what the registry itself shows (an admin token's catalog) plus favourites.
      const listing = await base.listRepositories()
      return {
        ...listing,
        reason:
          'Sign in with your GitLab username and a personal access token (read_api, read_registry) to list the repositories ' +
          'of your groups and projects; until then, add repositories by name.',
      }
    }
    // A group's listing already includes its subgroups' projects: ask only the outermost groups.
    const paths = groups.map((group) => group.full_path)
    const outer = groups.filter((group) => !paths.some((path) => group.full_path.startsWith(`${path}/`)))
    const covered = (namespace: string): boolean => paths.some((path) => namespace === path || namespace.startsWith(`${path}/`))
    const loose = projects.filter((project) => !covered(project.namespace?.full_path ?? ''))
    const pool = createBoundedPool(4)
    const lists = await Promise.all([
      ...outer.map((group) => pool.run(() => api.groupRepositories(group.id))),
      ...loose.map((project) => pool.run(() => api.projectRepositories(project.id))),
    ])
    for (const list of lists) for (const repository of list) repositories.set(repository.path, repository)
    return {
      repositories: [...new Set([...repositories.keys(), ...options.favorites()])].sort(),
      catalog: 'available',
      reason:
        `Listed through the GitLab API (${api.instanceUrl}): ${outer.length} group(s) and ${loose.length} project(s) outside them. ` +
        "GitLab's /v2/_catalog is for administrators only.",
    }
  }

  async function listTags(repository: string): Promise<ProviderTagList> {
    if (await registryApiAvailable()) {
      const byName = await loadRows(repository)
      return { repository, tags: [...byName.keys()] }
    }
    rows.delete(repository)
    try {
      return { repository, tags: await (await restClient()).listTags(await lookup(repository)) }
    } catch (error) {
      // A deploy token, or no token, cannot use the REST API: the registry's own tag list still works.
      if (error instanceof BerthError && (error.code === 'unauthorized' || error.code === 'forbidden' || error.code === 'not_found')) {
        return base.listTags(repository)
      }
      throw error
    }
  }

  const provider: GitlabProvider = {
    ...base,
    kind: 'gitlab',
    capabilities: gitlabCapabilities,
    instanceUrl,
    createDeployToken: async (request) => (await restClient()).createDeployToken(request),
    listRepositories,
    listTags,
    async getTagDetails(repository, tags, request = {}): Promise<TagDetailsResult[]> {
      let byName = rows.get(repository)
      if ((!byName || tags.some((tag) => !byName?.has(tag))) && (await registryApiAvailable())) byName = await loadRows(repository)
      const loader = createContentLoader(client, options.cache, request.signal)
      const pool = createBoundedPool(options.concurrency, request.signal)
      const one = async (tag: string): Promise<TagDetails> => {
        const row = byName?.get(tag)
        if (!row) return detailsWithoutRow(repository, tag, loader)
        // The page gave digest, size and push date; the build date needs the config (cached by digest forever).
        try {
          const manifest = await loader.manifest(repository, row.digest, row.mediaType)
          const described = await describeManifest(loader, repository, tag, row.digest, manifest.parsed)
          return { ...described, size: described.size ?? row.sizeBytes, pushed: row.publishedAt }
        } catch {
          return detailsFromRow(row)
        }
      }
      return Promise.all(
        tags.map((tag) =>
          pool
            .run(() => one(tag))
            .then(
              (details): TagDetailsResult => ({ tag, ok: true, details }),
              (error: unknown): TagDetailsResult => ({ tag, ok: false, error: toErrorData(error) }),
            )
            .then((result) => {
              request.onResult?.(result)
              return result
            }),
        ),
      )
    },
    // Not the generic stream: rows come from this provider's getTagDetails, tag by tag.
    streamTagDetails: undefined,
    // GitLab rows come from its own API, which the local row cache does not hold.
    cachedTagDetails: (repository) => Promise.resolve({ repository, tags: {}, details: [] }),
    async tagDigests(repository, request = {}) {
      // One /gitlab/v1 page holds up to 1,000 tags with their digests: no HEAD per tag.
      if (await registryApiAvailable()) return new Map([...(await loadRows(repository))].map(([name, row]) => [name, row.digest]))
      return base.tagDigests(repository, request)
    },
    async deleteTag(repository, tag) {
      // GitLab's REST tag delete removes only that tag, whatever else is on its digest (GLAPI).
      try {
        await (await restClient()).deleteTag(await lookup(repository), tag)
      } catch (error) {
        throw new DeleteStepError('gitlab-api', toErrorData(error))
      }
      rows.get(repository)?.delete(tag)
      return 'gitlab-api'
    },
    async deleteDigest(repository, digest) {
      await base.deleteDigest(repository, digest)
      rows.delete(repository)
    },
    async submitServerCleanup(repository, request): Promise<ServerCleanupResult> {
      const api = await restClient()
      const bulk: GitlabBulkDelete = {
        nameRegexDelete: request.nameRegexDelete,
        ...(request.nameRegexKeep !== undefined ? { nameRegexKeep: request.nameRegexKeep } : {}),
        ...(request.keepN !== undefined ? { keepN: request.keepN } : {}),
        ...(request.olderThan !== undefined ? { olderThan: request.olderThan } : {}),
      }
      await api.bulkDelete(await lookup(repository), bulk)
      rows.delete(repository)
      return { repository, status: 'accepted', accepted: bulk, note: bulkDeleteNote }
    },
    listedTagDigests(repository) {
      // The /gitlab/v1 page of the last listing named each tag's digest: no request per tag.
      const byName = rows.get(repository)
      return byName ? new Map([...byName].map(([name, row]) => [name, row.digest])) : null
    },
    reportedUsage: (request) => reportedUsage(request),
    async close() {
      const pending = rest
      rest = undefined
      await Promise.all([registryApi.close(), pending?.then((api) => api.close()).catch(() => undefined), base.close()])
    },
  }

  /**
   * GitLab's own sizes: /gitlab/v1 repository details where the registry has them (GLREG, the
   * metadata database), else the REST `size` (GLAPI); for a prefix, the registry's deduplicated size
   * of the prefix repository and every repository below it. What GitLab does not report is left out.
   */
  async function reportedUsage(request: ReportedUsageRequest): Promise<ReportedUsage> {
    const viaRegistryApi = await registryApiAvailable()
    const api = viaRegistryApi ? null : await restClient().catch(() => null)
    const pool = createBoundedPool(4, request.signal)
    const found = new Map<string, ReportedRepositorySize>()
    await Promise.all(
      request.repositories.map((path) =>
        pool.run(async () => {
          try {
            if (viaRegistryApi) {
              const bytes = await registryApi.repositorySize(path, 'self', request.signal)
              if (bytes !== null) found.set(path, { bytes, source: 'gitlab-registry-api', note: reportedNotes.self })
            } else if (api !== null) {
              const bytes = await api.repositorySize(await lookup(path))
              if (bytes !== null) found.set(path, { bytes, source: 'gitlab-rest-api', note: reportedNotes.rest })
            }
          } catch (error) {
            if (toErrorData(error).code === 'cancelled') throw error
            // GitLab reports no size for this one: Berth's count stands alone.
          }
        }),
      ),
    )
    let prefix: ReportedRepositorySize | null = null
    if (viaRegistryApi && request.prefix) {
      const bytes = await registryApi.repositorySize(request.prefix, 'self_with_descendants', request.signal).catch((error: unknown) => {
        if (toErrorData(error).code === 'cancelled') throw error
        return null
      })
      if (bytes !== null) prefix = { bytes, source: 'gitlab-registry-api', note: reportedNotes.descendants }
    }
    return { repositories: found, prefix }
  }

  async function detailsWithoutRow(repository: string, tag: string, loader: ReturnType<typeof createContentLoader>): Promise<TagDetails> {
    try {
      return await detailsForTag(loader, repository, tag)
    } catch (error) {
      // GLAPI tag details: digest, build date (created_at) and total_size, when /v2 would not answer.
      const api = await restClient().catch(() => null)
      if (!api) throw error
      const detail = await api.tagDetail(await lookup(repository), tag)
      if (detail.digest === null) throw error
      return {
        tag,
        digest: detail.digest,
        mediaType: '',
        kind: 'unknown',
        configDigest: null,
        size: detail.totalSize,
        sizeNote: 'GitLab API total_size: compressed layers + config.',
        created: detail.createdAt,
        createdSource: detail.createdAt ? 'config' : 'unknown',
        platforms: [],
        attestations: 0,
        artifactType: null,
      }
    }
  }

  return provider
}
