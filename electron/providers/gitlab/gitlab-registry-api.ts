// The GitLab container registry's own API (GLREG gitlab-org/container-registry docs/spec/gitlab/api.md):
// `GET /gitlab/v1/` answers 200 where it exists, and `/gitlab/v1/repositories/<path>/tags/list/`
// returns a whole page of tags WITH digest, media type, size and published_at in one request, sorted
// and filtered on the server — instead of one HEAD per tag. Same Bearer token flow as /v2/ (the realm
// is GitLab's /jwt/auth). Paths need their trailing slash (else 301); pages are followed only
// through the Link header (markers are opaque when sorting by date). A listing has a deadline and
// item/byte budgets (electron/http/listing-guard.ts; docs/registry-notes.md "Listing").
import { z } from 'zod'
import { createRegistryAuth, type HostResolver } from '../../http/auth'
import type { Clock } from '../../http/http-clock'
import { resolveListingLimits, type HttpDeadlines, type ListingLimits } from '../../http/http-limits'
import { parseJsonBody } from '../../http/http-paging'
import { nextPageUrl } from '../../http/link'
import { startListingGuard } from '../../http/listing-guard'
import { repositoryScope } from '../../http/scope'
import { createTransport, headerValue, responseError, type HttpResponse, type Transport } from '../../http/transport'
import type { CredentialSource, RegistryEndpoint, TlsTrust } from '../../http/client-types'
import { BerthError } from '../../../shared/errors'

export interface GitlabRegistryTag {
  name: string
  digest: string
  configDigest: string | null
  mediaType: string
  /** GitLab's size: Σ layers + config + manifest. */
  sizeBytes: number | null
  /** When the tag was pushed (GLREG published_at), falling back to updated_at/created_at. */
  publishedAt: string | null
}

export type GitlabSizeScope = 'self' | 'self_with_descendants'

/** GLREG sort keys; a leading `-` sorts descending. */
export type GitlabTagSort = 'name' | '-name' | 'published_at' | '-published_at'

export interface GitlabTagQuery {
  sort?: GitlabTagSort
  /** Server-side filter: tags whose name contains this. */
  name?: string
  /** 1..1000 (GLREG); default 1000 so most repositories take one request. */
  pageSize?: number
  signal?: AbortSignal
}

export interface GitlabRegistryApi {
  /** Whether this registry serves /gitlab/v1 (GitLab ≥ 16 with the metadata database); cached. */
  available(): Promise<boolean>
  /** Every tag, one request per page. */
  listTags(path: string, query?: GitlabTagQuery): Promise<GitlabRegistryTag[]>
  /**
   * The deduplicated size the registry's metadata database records (GLREG "Get repository details"):
   * of the repository alone (`self`), or with every repository below it (`self_with_descendants`).
   * Null where it gives none (unknown path, a token without access, an older registry).
   */
  repositorySize(path: string, scope: GitlabSizeScope, signal?: AbortSignal): Promise<number | null>
  close(): Promise<void>
}

export interface GitlabRegistryApiOptions {
  endpoint: RegistryEndpoint
  trust?: TlsTrust
  credentials?: CredentialSource
  clock?: Clock
  /** Per-request deadlines of the default transport; unset fields from BERTH_* variables or defaults. */
  deadlines?: Partial<HttpDeadlines>
  /** Deadline and budgets of one tag listing; unset fields as above. */
  listingLimits?: Partial<ListingLimits>
  resolveHost?: HostResolver
}

const rowSchema = z.looseObject({
  name: z.string(),
  digest: z.string(),
  config_digest: z.string().nullable().optional(),
  media_type: z.string().optional(),
  size_bytes: z.number().nullable().optional(),
  created_at: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  published_at: z.string().nullable().optional(),
})

const repositoryDetailsSchema = z.looseObject({ size_bytes: z.number().int().nonnegative().nullable().optional() })

const pageMaxBytes = 16 * 1024 * 1024
const maxPages = 10_000

export function createGitlabRegistryApi(
  options: GitlabRegistryApiOptions,
  transport: Transport = createTransport({
    endpoint: options.endpoint,
    ...(options.trust ? { trust: options.trust } : {}),
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
  }),
): GitlabRegistryApi {
  const origin = new URL(options.endpoint.url).origin
  const auth = createRegistryAuth({
    transport,
    endpoint: options.endpoint,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  })
  const listingLimits = resolveListingLimits(options.listingLimits)
  let availability: Promise<boolean> | undefined

  async function send(url: string, scopes: string[], operation: string, signal?: AbortSignal): Promise<HttpResponse> {
    let authorization = await auth.authorization(scopes)
    for (let attempt = 0; ; attempt++) {
      const response = await transport.request({
        method: 'GET',
        url,
        credentialOrigin: origin,
        headers: { accept: 'application/json' },
        maxBytes: pageMaxBytes,
        operation,
        ...(authorization !== undefined ? { authorization } : {}),
        ...(signal ? { signal } : {}),
      })
      if (response.status !== 401 || attempt >= 2) return response
      const next = await auth.afterUnauthorized(response, scopes, authorization)
      if (next === null) return response
      authorization = next
    }
  }

  async function probe(): Promise<boolean> {
    const response = await send(`${origin}/gitlab/v1/`, [], 'check for the GitLab registry API')
    // 404 (older GitLab or no metadata database) and 401/403 (token not accepted here) both mean:
    // use the REST API and /v2 instead; only 5xx and network errors are failures.
    if (response.status >= 500) throw responseError(response, 'check for the GitLab registry API')
    return response.status === 200
  }

  return {
    available() {
      availability ??= probe().catch((error: unknown) => {
        availability = undefined
        throw error
      })
      return availability
    },
    async listTags(path, query = {}) {
      const first = new URL(`${origin}/gitlab/v1/repositories/${path.split('/').map(encodeURIComponent).join('/')}/tags/list/`)
      first.searchParams.set('n', String(Math.min(Math.max(query.pageSize ?? 1000, 1), 1000)))
      if (query.sort) first.searchParams.set('sort', query.sort)
      if (query.name) first.searchParams.set('name', query.name)
      const operation = `list the tags of ${path} (GitLab registry API)`
      const scopes = [repositoryScope(path, ['pull'])]
      const tags: GitlabRegistryTag[] = []
      const guard = startListingGuard({
        what: `the tags of ${path} (GitLab registry API)`,
        entry: ['tag', 'tags'],
        limits: listingLimits,
        ...(query.signal ? { callerSignal: query.signal } : {}),
      })
      try {
        let url: string | null = first.href
        while (url !== null) {
          guard.throwIfStopped()
          if (guard.page > maxPages)
            throw new BerthError({
              code: 'invalid_response',
              message: `The GitLab registry kept paginating ${path} past ${maxPages} pages; Berth stopped.`,
            })
          let response: HttpResponse
          let rows: z.infer<typeof rowSchema>[]
          try {
            response = await send(url, scopes, operation, guard.signal)
            if (response.status !== 200) throw responseError(response, operation)
            rows = parseJsonBody(response, z.array(rowSchema), operation)
          } catch (error) {
            if (error instanceof BerthError) throw guard.pageFailure(error)
            throw error
          }
          guard.addPage(response.body.byteLength, rows.length)
          for (const row of rows) {
            tags.push({
              name: row.name,
              digest: row.digest,
              configDigest: row.config_digest ?? null,
              mediaType: row.media_type ?? '',
              sizeBytes: row.size_bytes ?? null,
              publishedAt: row.published_at ?? row.updated_at ?? row.created_at ?? null,
            })
          }
          url = nextPageUrl(headerValue(response.headers, 'link'), response.url)
        }
        return tags
      } finally {
        guard.finish()
      }
    },
    async repositorySize(path, scope, signal) {
      const url = new URL(`${origin}/gitlab/v1/repositories/${path.split('/').map(encodeURIComponent).join('/')}/`)
      url.searchParams.set('size', scope)
      const operation = `read the size of ${path} (GitLab registry API)`
      const response = await send(url.href, [repositoryScope(path, ['pull'])], operation, signal)
      // Not found, or not for this token: the registry reports nothing, and Berth's own count stands.
      if (response.status === 404 || response.status === 401 || response.status === 403) return null
      if (response.status !== 200) throw responseError(response, operation)
      return parseJsonBody(response, repositoryDetailsSchema, operation).size_bytes ?? null
    },
    close: () => transport.close(),
  }
}
