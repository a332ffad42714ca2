// GitLab, browsed as GitLab's own UI does (REGISTRY-NOTES "Listing", GLAPI, GLREG): repositories
// from the user's groups and projects through the REST API (the v2 catalog is admin-only), tags and
// their digests/sizes/push dates from the registry's /gitlab/v1 API one page per request where it
// exists (REST + /v2 otherwise), single-tag deletes through the REST API (never removing other tags
// on the same digest) and GitLab's asynchronous bulk cleanup.
import { BerthError, toErrorData } from '../../../shared/errors'
import type { DeleteResult, RepositoryListing, TagDetails, TagDetailsResult } from '../../../shared/types'
import { createBoundedPool } from '../../http/bounded-pool'
import { createContentLoader } from '../../operations/content-loader'
import { deleteTags as deleteThroughV2 } from '../../operations/delete-tags'
import { isIndexMediaType } from '../../http/media-types'
import { parseRegistryAddress } from '../../http/reference'
import type { ProviderContext, ProviderTagList, RegistryProvider } from '../provider'
import { describeManifest, detailsForTag } from '../../operations/tag-details'
import { createGitlabRegistryApi, type GitlabRegistryTag } from './gitlab-registry-api'
import { createGitlabRest, type GitlabBulkDelete, type GitlabRepository, type GitlabRest, type GitlabToken } from './gitlab-rest'

export interface GitlabBulkDeleteResult {
  repository: string
  status: 'accepted'
  note: string
}

export interface GitlabProvider extends RegistryProvider {
  readonly kind: 'gitlab'
  /** The GitLab instance URL: the profile's, or derived from the registry's token realm. */
  instanceUrl(): Promise<string>
  submitBulkDelete(repository: string, request: GitlabBulkDelete): Promise<GitlabBulkDeleteResult>
}

export const bulkDeleteNote =
  'GitLab accepted the cleanup (202) and runs it in the background: tags disappear over the next minutes. It never deletes `latest`, and accepts one bulk cleanup per repository per hour.'

const sizeNoteGitlab = 'GitLab registry size: compressed layers + config + manifest.'

/** The instance behind a GitLab registry: its token realm is `<gitlab>/jwt/auth` (REGISTRY-NOTES "Auth"). */
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

export function createGitlabProvider(context: ProviderContext): GitlabProvider {
  const { client, profile } = context
  const registryApi = createGitlabRegistryApi({ endpoint: client.endpoint, trust: context.trust, credentials: context.credentials })
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
      // The pinned fingerprint belongs to the registry's certificate; the instance may be another host.
      const trust = endpoint.host === client.endpoint.host ? context.trust : { caPems: context.trust.caPems }
      return createGitlabRest({
        endpoint,
        trust,
        token: async () => {
          const credential = await context.credentials()
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
    for (let n = parts.length; n >= 2; n--) {
      let found: GitlabRepository[]
      try {
        found = await api.projectRepositories(parts.slice(0, n).join('/'))
      } catch (error) {
        if (error instanceof BerthError && error.code === 'not_found') continue
        throw error
      }
      for (const r of found) repositories.set(r.path, r)
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
      if (!(error instanceof BerthError && error.code === 'unauthorized' && !(await context.credentials().catch(() => null)))) throw error
      // Not signed in: what the registry itself shows (an admin token's catalog) plus favourites.
      const listing = await client.catalog()
      return {
        ...listing,
        repositories: [...new Set([...listing.repositories, ...profile.favorites])].sort(),
        reason:
          'Sign in with your GitLab username and a personal access token (read_api, read_registry) to list the repositories of your groups and projects; until then, add repositories by name.',
      }
    }
    // A group's listing already includes its subgroups' projects: ask only the outermost groups.
    const paths = groups.map((g) => g.full_path)
    const outer = groups.filter((g) => !paths.some((p) => g.full_path.startsWith(`${p}/`)))
    const covered = (namespace: string): boolean => paths.some((p) => namespace === p || namespace.startsWith(`${p}/`))
    const loose = projects.filter((p) => !covered(p.namespace?.full_path ?? ''))
    const pool = createBoundedPool(4)
    const lists = await Promise.all([
      ...outer.map((g) => pool.run(() => api.groupRepositories(g.id))),
      ...loose.map((p) => pool.run(() => api.projectRepositories(p.id))),
    ])
    for (const list of lists) for (const r of list) repositories.set(r.path, r)
    return {
      repositories: [...new Set([...repositories.keys(), ...profile.favorites])].sort(),
      catalog: 'available',
      reason: `Listed through the GitLab API (${api.instanceUrl}): ${outer.length} group(s) and ${loose.length} project(s) outside them. GitLab's /v2/_catalog is for administrators only.`,
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
        return { repository, tags: await client.listTags(repository) }
      }
      throw error
    }
  }

  async function getTagDetails(repository: string, tags: string[]): Promise<TagDetailsResult[]> {
    let byName = rows.get(repository)
    if ((!byName || tags.some((t) => !byName?.has(t))) && (await registryApiAvailable())) byName = await loadRows(repository)
    const loader = createContentLoader(client, context.cache)
    const pool = createBoundedPool(context.concurrency)
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
          ),
      ),
    )
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

  async function deleteTags(
    repository: string,
    tags: string[],
    mode: 'tag' | 'digest',
    expectedDigests?: Record<string, string>,
  ): Promise<DeleteResult[]> {
    const registry = client.endpoint.host
    if (mode === 'digest')
      return deleteThroughV2(client, repository, tags, mode, {
        registry,
        audit: context.audit,
        ...(expectedDigests ? { expectedDigests } : {}),
      })
    const api = await restClient()
    const target = await lookup(repository)
    const results: DeleteResult[] = []
    for (const tag of [...new Set(tags)]) {
      let digest = expectedDigests?.[tag] ?? ''
      try {
        const current = (await client.headManifest(repository, tag)).digest
        if (expectedDigests?.[tag] !== undefined && current !== null && current !== expectedDigests[tag]) {
          throw new BerthError({
            code: 'conflict',
            message: `${repository}:${tag} now points at ${current}, not the ${expectedDigests[tag]} you confirmed; it was not deleted.`,
            fix: 'Reload the tags and confirm again.',
          })
        }
        digest = current ?? digest
        await api.deleteTag(target, tag)
        rows.get(repository)?.delete(tag)
        results.push({ tag, digest, ok: true, method: 'gitlab-api', removedTags: [tag] })
        await context.audit.append({
          time: new Date().toISOString(),
          registry,
          repository,
          tag,
          digest,
          method: 'gitlab-api',
          result: 'ok',
        })
      } catch (error) {
        const data = toErrorData(error)
        results.push({ tag, digest, ok: false, method: 'gitlab-api', removedTags: [], error: data })
        await context.audit.append({
          time: new Date().toISOString(),
          registry,
          repository,
          tag,
          digest,
          method: 'gitlab-api',
          result: 'error',
          error: data.message,
        })
      }
    }
    return results
  }

  return {
    kind: 'gitlab',
    instanceUrl,
    listRepositories,
    listTags,
    getTagDetails,
    deleteTags,
    async submitBulkDelete(repository, request) {
      const api = await restClient()
      await api.bulkDelete(await lookup(repository), request)
      rows.delete(repository)
      return { repository, status: 'accepted', note: bulkDeleteNote }
    },
    async close() {
      const pending = rest
      rest = undefined
      await Promise.all([registryApi.close(), pending?.then((r) => r.close()).catch(() => undefined)])
    },
  }
}
