// GitLab's REST API v4 for the container registry (GLAPI doc/api/container_registry.md, docs/registry-notes.md
// "Listing"/"Deletion"): the plain v2 catalog is admin-only on GitLab, so repositories come from the
// user's groups and projects, as GitLab's own UI finds them. Authenticated with a personal/project/
// group access token in PRIVATE-TOKEN or a CI job token in JOB-TOKEN. Every page is followed through
// `Link: rel="next"` (same origin only) or, without one, `X-Next-Page`; a listing has a deadline
// and item/byte budgets (electron/http/listing-guard.ts; docs/registry-notes.md "Listing").
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'
import { resolveListingLimits, type HttpDeadlines, type ListingLimits } from '../../http/http-limits'
import { parseJsonBody } from '../../http/http-paging'
import { nextPageUrl } from '../../http/link'
import { startListingGuard } from '../../http/listing-guard'
import { createTransport, headerValue, type HttpMethod, type HttpResponse, type Transport } from '../../http/transport'
import type { RegistryEndpoint, TlsTrust } from '../../http/client-types'
import { gitlabError } from './gitlab-errors'

export interface GitlabToken {
  header: 'PRIVATE-TOKEN' | 'JOB-TOKEN'
  value: string
}

export interface GitlabRestOptions {
  endpoint: RegistryEndpoint
  trust?: TlsTrust
  /** Asked lazily on the first request; null = not signed in. */
  token: () => Promise<GitlabToken | null>
  maxConnections?: number
  /** Items per page (GitLab allows 1..100); default 100. */
  pageSize?: number
  /** Per-request deadlines of the default transport; unset fields from BERTH_* variables or defaults. */
  deadlines?: Partial<HttpDeadlines>
  /** Deadline and budgets of one listing; unset fields as above. */
  listingLimits?: Partial<ListingLimits>
}

const groupSchema = z.looseObject({ id: z.number(), full_path: z.string() })
const projectSchema = z.looseObject({
  id: z.number(),
  path_with_namespace: z.string(),
  namespace: z.looseObject({ kind: z.string(), full_path: z.string() }).optional(),
})
const repositorySchema = z.looseObject({
  id: z.number(),
  project_id: z.number(),
  path: z.string(),
  name: z.string().nullable().optional(),
  location: z.string().optional(),
})
const tagRowSchema = z.looseObject({ name: z.string() })
const repositorySizeSchema = z.looseObject({ size: z.number().int().nonnegative().nullable().optional() })
const tagDetailSchema = z.looseObject({
  name: z.string(),
  digest: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
  total_size: z.number().nullable().optional(),
})

export type GitlabGroup = z.infer<typeof groupSchema>
export type GitlabProject = z.infer<typeof projectSchema>

export interface GitlabRepository {
  id: number
  projectId: number
  path: string
}

export interface GitlabTagDetail {
  name: string
  digest: string | null
  /** The image's build date as GitLab read it from the config. */
  createdAt: string | null
  totalSize: number | null
}

/** GitLab's bulk cleanup parameters (GLAPI "Delete registry repository tags in bulk"). */
export interface GitlabBulkDelete {
  nameRegexDelete: string
  nameRegexKeep?: string
  keepN?: number
  /** GitLab durations: `1h`, `7d`, `1month`. */
  olderThan?: string
}

/** GLAPI "Create a project deploy token" / "Create a group deploy token" (needs the api scope). */
export interface GitlabDeployTokenRequest {
  /** A project grants access to its own registry; a group to every project in it. Path or numeric id. */
  owner: { kind: 'project' | 'group'; path: string }
  name: string
  scopes: readonly string[]
  /** YYYY-MM-DD; the token expires at midnight UTC that day. None: never expires. */
  expiresAt?: string
  /** None: GitLab names it gitlab+deploy-token-{n}. */
  username?: string
}

export interface GitlabDeployToken {
  id: number
  name: string
  username: string
  expiresAt: string | null
  scopes: string[]
  /** The secret: shown once by GitLab, never stored by Berth unless the user asks. */
  token: string
}

const deployTokenSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  username: z.string().min(1),
  expires_at: z.string().nullable().optional(),
  scopes: z.array(z.string()).default([]),
  token: z.string().min(1),
})

export interface GitlabRest {
  readonly instanceUrl: string
  /** Groups where the user is at least Reporter (min_access_level=20), the role that reads the registry. */
  listGroups(): Promise<GitlabGroup[]>
  listMemberProjects(): Promise<GitlabProject[]>
  groupRepositories(groupId: number | string): Promise<GitlabRepository[]>
  projectRepositories(project: number | string): Promise<GitlabRepository[]>
  listTags(repository: GitlabRepository): Promise<string[]>
  tagDetail(repository: GitlabRepository, tag: string): Promise<GitlabTagDetail>
  /** GLAPI `GET /registry/repositories/:id?size=true`: the repository's deduplicated size, where GitLab reports one. */
  repositorySize(repository: GitlabRepository): Promise<number | null>
  /** Removes only this tag, never others sharing its digest. */
  deleteTag(repository: GitlabRepository, tag: string): Promise<void>
  /** Queues GitLab's asynchronous bulk cleanup (202); at most once an hour per repository. */
  bulkDelete(repository: GitlabRepository, request: GitlabBulkDelete): Promise<void>
  /** A project or group deploy token (GLAPI deploy_tokens): the token is in the answer once, never again. */
  createDeployToken(request: GitlabDeployTokenRequest): Promise<GitlabDeployToken>
  close(): Promise<void>
}

const pageMaxBytes = 8 * 1024 * 1024
/** Counted as repositories by the app's listing progress (the other REST listings count groups and projects). */
const repositoryEntry = ['repository', 'repositories'] as const
const maxPages = 1000
/** Reporter: the lowest role that may read a project's container registry. */
const reporterAccessLevel = 20

export function createGitlabRest(
  options: GitlabRestOptions,
  transport: Transport = createTransport({
    endpoint: options.endpoint,
    ...(options.trust ? { trust: options.trust } : {}),
    maxConnections: options.maxConnections ?? 8,
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
  }),
): GitlabRest {
  const origin = new URL(options.endpoint.url).origin
  const listingLimits = resolveListingLimits(options.listingLimits)
  const api = `${options.endpoint.url.replace(/\/+$/, '')}/api/v4`
  let tokenPromise: Promise<GitlabToken | null> | undefined

  async function send(method: HttpMethod, url: string, operation: string, body?: string, signal?: AbortSignal): Promise<HttpResponse> {
    tokenPromise ??= options.token().catch((error: unknown) => {
      tokenPromise = undefined
      throw error
    })
    const token = await tokenPromise
    if (token === null) {
      throw new BerthError({
        code: 'unauthorized',
        message: `${new URL(origin).host}: browsing GitLab needs an access token (${operation}).`,
        fix: 'Sign in with your GitLab username and a personal access token with the read_api and read_registry scopes.',
      })
    }
    const response = await transport.request({
      method,
      url,
      headers: {
        [token.header]: token.value,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
      maxBytes: pageMaxBytes,
      operation,
      // The token travels in a custom header the transport does not strip: never follow it elsewhere.
      checkRedirect: (target) => {
        if (target.origin !== origin) {
          throw new BerthError({
            code: 'unsafe_redirect',
            message: `GitLab at ${origin} redirected ${operation} to ${target.origin}; Berth does not send the access token there.`,
          })
        }
      },
    })
    if (response.status >= 400) throw gitlabError(response, operation)
    return response
  }

  async function all<T>(
    path: string,
    query: Record<string, string>,
    schema: z.ZodType<T>,
    operation: string,
    entry: readonly [string, string] = ['entry', 'entries'],
  ): Promise<T[]> {
    const first = new URL(`${api}${path}`)
    for (const [name, value] of Object.entries({ per_page: String(options.pageSize ?? 100), ...query })) first.searchParams.set(name, value)
    const items: T[] = []
    const guard = startListingGuard({ what: `GitLab's answer to "${operation}"`, entry, limits: listingLimits })
    try {
      let url: string | null = first.href
      while (url !== null) {
        guard.throwIfStopped()
        if (guard.page > maxPages)
          throw new BerthError({
            code: 'invalid_response',
            message: `GitLab kept paginating ${operation} past ${maxPages} pages; Berth stopped.`,
          })
        let response: HttpResponse
        let page: T[]
        try {
          response = await send('GET', url, operation, undefined, guard.signal)
          page = parseJsonBody(response, z.array(schema), operation)
        } catch (error) {
          if (error instanceof BerthError) throw guard.pageFailure(error)
          throw error
        }
        guard.addPage(response.body.byteLength, page.length)
        // One by one: spreading a registry-sized array into push() overflows the stack.
        for (const item of page) items.push(item)
        url = nextPageUrl(headerValue(response.headers, 'link'), response.url) ?? nextFromHeader(response)
      }
      return items
    } finally {
      guard.finish()
    }
  }

  function nextFromHeader(response: HttpResponse): string | null {
    const next = headerValue(response.headers, 'x-next-page')
    if (next === undefined || !/^\d+$/.test(next)) return null
    const url = new URL(response.url)
    url.searchParams.set('page', next)
    return url.href
  }

  const toRepository = (row: z.infer<typeof repositorySchema>): GitlabRepository => ({
    id: row.id,
    projectId: row.project_id,
    path: row.path,
  })
  const id = (value: number | string): string => encodeURIComponent(String(value))
  const tagsPath = (repository: GitlabRepository): string => `/projects/${repository.projectId}/registry/repositories/${repository.id}/tags`

  return {
    instanceUrl: options.endpoint.url,
    listGroups: () => all('/groups', { min_access_level: String(reporterAccessLevel) }, groupSchema, 'list your GitLab groups'),
    listMemberProjects: () =>
      all(
        '/projects',
        { membership: 'true', simple: 'true', min_access_level: String(reporterAccessLevel) },
        projectSchema,
        'list your GitLab projects',
      ),
    async groupRepositories(groupId) {
      return (
        await all(
          `/groups/${id(groupId)}/registry/repositories`,
          {},
          repositorySchema,
          `list the container repositories of group ${groupId}`,
          repositoryEntry,
        )
      ).map(toRepository)
    },
    async projectRepositories(project) {
      return (
        await all(
          `/projects/${id(project)}/registry/repositories`,
          {},
          repositorySchema,
          `list the container repositories of project ${project}`,
          repositoryEntry,
        )
      ).map(toRepository)
    },
    async listTags(repository) {
      return (await all(tagsPath(repository), {}, tagRowSchema, `list the tags of ${repository.path}`, ['tag', 'tags'])).map((t) => t.name)
    },
    async tagDetail(repository, tag) {
      const operation = `read tag ${repository.path}:${tag}`
      const response = await send('GET', `${api}${tagsPath(repository)}/${encodeURIComponent(tag)}`, operation)
      const row = parseJsonBody(response, tagDetailSchema, operation)
      return { name: row.name, digest: row.digest ?? null, createdAt: row.created_at ?? null, totalSize: row.total_size ?? null }
    },
    async repositorySize(repository) {
      const operation = `read the size of ${repository.path}`
      const response = await send('GET', `${api}/registry/repositories/${repository.id}?size=true`, operation)
      return parseJsonBody(response, repositorySizeSchema, operation).size ?? null
    },
    async deleteTag(repository, tag) {
      await send('DELETE', `${api}${tagsPath(repository)}/${encodeURIComponent(tag)}`, `delete tag ${repository.path}:${tag}`)
    },
    async bulkDelete(repository, request) {
      const form = new URLSearchParams({ name_regex_delete: request.nameRegexDelete })
      if (request.nameRegexKeep !== undefined) form.set('name_regex_keep', request.nameRegexKeep)
      if (request.keepN !== undefined) form.set('keep_n', String(request.keepN))
      if (request.olderThan !== undefined) form.set('older_than', request.olderThan)
      const response = await send(
        'DELETE',
        `${api}${tagsPath(repository)}`,
        `submit a bulk tag cleanup of ${repository.path}`,
        form.toString(),
      )
      if (response.status !== 202 && response.status !== 200) throw gitlabError(response, `submit a bulk tag cleanup of ${repository.path}`)
    },
    async createDeployToken(request) {
      const form = new URLSearchParams({ name: request.name })
      for (const scope of request.scopes) form.append('scopes[]', scope)
      if (request.expiresAt !== undefined) form.set('expires_at', request.expiresAt)
      if (request.username !== undefined) form.set('username', request.username)
      const owner = `${request.owner.kind}s/${id(request.owner.path)}`
      const operation = `create a deploy token for ${request.owner.kind} ${request.owner.path}`
      const response = await send('POST', `${api}/${owner}/deploy_tokens`, operation, form.toString())
      const row = parseJsonBody(response, deployTokenSchema, operation)
      return { id: row.id, name: row.name, username: row.username, expiresAt: row.expires_at ?? null, scopes: row.scopes, token: row.token }
    },
    close: () => transport.close(),
  }
}
