// Docker Hub's own API (the registry has no catalog and no per-tag push date): repositories of a
// namespace, tags with `tag_last_pushed`, and tag deletion (`DELETE /v2/namespaces/<ns>/repositories/
// <repo>/tags/<tag>`) with a Hub JWT from `POST /v2/users/login` (password or personal access token).
// Pages are followed through the `next` URL of each answer, same origin only; a listing has a
// deadline and item/byte budgets (electron/http/listing-guard.ts; docs/registry-notes.md "Listing").
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'
import { resolveListingLimits, type HttpDeadlines, type ListingLimits } from '../../http/http-limits'
import { parseJsonBody } from '../../http/http-paging'
import { startListingGuard } from '../../http/listing-guard'
import { sanitizeForMessage } from '../../http/sanitize'
import { bodyText, createTransport, responseError, type HttpMethod, type HttpResponse, type Transport } from '../../http/transport'
import type { RegistryEndpoint, TlsTrust } from '../../http/client-types'

export const defaultHubApiUrl = 'https://hub.docker.com'

export interface HubTag {
  name: string
  digest: string | null
  /** Push date: Hub's tag_last_pushed (else last_updated). */
  pushed: string | null
  fullSize: number | null
}

export interface HubApi {
  /** Repository names (`<namespace>/<repo>`) in a namespace. */
  listRepositories(namespace: string): Promise<string[]>
  listTags(repository: string): Promise<HubTag[]>
  deleteTag(repository: string, tag: string): Promise<void>
  close(): Promise<void>
}

export interface HubApiOptions {
  endpoint: RegistryEndpoint
  trust?: TlsTrust
  /** Hub account for writes; null = anonymous (reads of public repositories only). */
  account: () => Promise<{ username: string; password: string } | null>
  /** Per-request deadlines of the default transport; unset fields from BERTH_* variables or defaults. */
  deadlines?: Partial<HttpDeadlines>
  /** Deadline and budgets of one listing; unset fields as above. */
  listingLimits?: Partial<ListingLimits>
}

const pageSchema = <T extends z.ZodType>(row: T) => z.looseObject({ next: z.string().nullable().optional(), results: z.array(row) })
const repoRow = z.looseObject({ name: z.string(), namespace: z.string().optional() })
const tagRow = z.looseObject({
  name: z.string(),
  digest: z.string().nullable().optional(),
  tag_last_pushed: z.string().nullable().optional(),
  last_updated: z.string().nullable().optional(),
  full_size: z.number().nullable().optional(),
})
const loginSchema = z.looseObject({ token: z.string().min(1) })
const detailSchema = z.looseObject({ detail: z.string().optional(), message: z.string().optional() })

const maxPages = 1000

/** `alpine` → `library/alpine` (official images live in the `library` namespace). */
export function hubRepositoryName(repository: string): { namespace: string; name: string } {
  const parts = repository.split('/')
  if (parts.length === 1) return { namespace: 'library', name: repository }
  return { namespace: parts[0] ?? 'library', name: parts.slice(1).join('/') }
}

export function createHubApi(
  options: HubApiOptions,
  transport: Transport = createTransport({
    endpoint: options.endpoint,
    ...(options.trust ? { trust: options.trust } : {}),
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
  }),
): HubApi {
  const origin = new URL(options.endpoint.url).origin
  const listingLimits = resolveListingLimits(options.listingLimits)
  let jwt: Promise<string> | undefined

  function hubError(response: HttpResponse, operation: string): BerthError {
    let said = ''
    try {
      const parsed = detailSchema.safeParse(JSON.parse(bodyText(response)))
      if (parsed.success) said = parsed.data.detail ?? parsed.data.message ?? ''
    } catch {
      said = ''
    }
    const suffix = said ? ` (Docker Hub says: ${sanitizeForMessage(said, 200)})` : ''
    if (response.status === 401) {
      return new BerthError({
        code: 'unauthorized',
        status: 401,
        message: `Docker Hub did not accept the credentials (${operation})${suffix}.`,
        fix: 'Sign in with your Docker Hub username and a personal access token with read, write and delete access.',
      })
    }
    if (response.status === 403) {
      return new BerthError({
        code: 'forbidden',
        status: 403,
        message: `Docker Hub refused ${operation}${suffix}.`,
        fix: 'Only the namespace owner (or an organization member with admin rights) can delete tags; use a token with delete access.',
      })
    }
    return responseError(response, operation)
  }

  async function send(
    method: HttpMethod,
    url: string,
    operation: string,
    extra: { body?: string; authorization?: string; signal?: AbortSignal } = {},
  ): Promise<HttpResponse> {
    const response = await transport.request({
      method,
      url,
      headers: { accept: 'application/json', ...(extra.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(extra.body !== undefined ? { body: extra.body } : {}),
      ...(extra.authorization !== undefined ? { authorization: extra.authorization, credentialOrigin: origin } : {}),
      ...(extra.signal ? { signal: extra.signal } : {}),
      maxBytes: 8 * 1024 * 1024,
      operation,
    })
    if (response.status >= 400) throw hubError(response, operation)
    return response
  }

  async function pages<T>(first: string, row: z.ZodType<T>, operation: string): Promise<T[]> {
    const out: T[] = []
    const guard = startListingGuard({ what: `Docker Hub's answer to "${operation}"`, entry: ['entry', 'entries'], limits: listingLimits })
    try {
      let url: string | null = first
      while (url !== null) {
        guard.throwIfStopped()
        if (guard.page > maxPages)
          throw new BerthError({
            code: 'invalid_response',
            message: `Docker Hub kept paginating ${operation} past ${maxPages} pages; Berth stopped.`,
          })
        let response: HttpResponse
        let page: { next?: string | null | undefined; results: T[] }
        try {
          response = await send('GET', url, operation, { signal: guard.signal })
          page = parseJsonBody(response, pageSchema(row), operation)
        } catch (error) {
          if (error instanceof BerthError) throw guard.pageFailure(error)
          throw error
        }
        guard.addPage(response.body.byteLength, page.results.length)
        // One by one: spreading a registry-sized array into push() overflows the stack.
        for (const result of page.results) out.push(result)
        url = page.next === undefined || page.next === null ? null : nextHubPage(page.next, url, operation)
      }
      return out
    } finally {
      guard.finish()
    }
  }

  /** The absolute URL of Hub's `next`, which must stay on the API's origin (our credentials would follow). */
  function nextHubPage(next: string, current: string, operation: string): string {
    let target: URL
    try {
      target = new URL(next, current)
    } catch (error) {
      throw new BerthError(
        {
          code: 'invalid_response',
          message: `Docker Hub sent a malformed next page URL for ${operation} (${sanitizeForMessage(next, 200)}).`,
        },
        { cause: error },
      )
    }
    if (target.origin !== origin) {
      throw new BerthError({
        code: 'invalid_response',
        message: `Docker Hub sent the next page of ${operation} on another host; Berth stopped there.`,
      })
    }
    return target.href
  }

  function login(): Promise<string> {
    jwt ??= (async () => {
      const account = await options.account()
      if (account === null) {
        throw new BerthError({
          code: 'unauthorized',
          message: 'Deleting on Docker Hub needs a signed-in account.',
          fix: 'Sign in with your Docker Hub username and a personal access token with delete access.',
        })
      }
      const response = await send('POST', `${origin}/v2/users/login`, 'sign in to Docker Hub', {
        body: JSON.stringify({ username: account.username, password: account.password }),
      })
      return parseJsonBody(response, loginSchema, 'sign in to Docker Hub').token
    })().catch((error: unknown) => {
      jwt = undefined
      throw error
    })
    return jwt
  }

  const repoPath = (repository: string): string => {
    const { namespace, name } = hubRepositoryName(repository)
    return `${origin}/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(name)}`
  }

  return {
    async listRepositories(namespace) {
      const rows = await pages(
        `${origin}/v2/namespaces/${encodeURIComponent(namespace)}/repositories?page_size=100`,
        repoRow,
        `list the repositories of ${namespace}`,
      )
      return rows.map((r) => `${r.namespace ?? namespace}/${r.name}`)
    },
    async listTags(repository) {
      const rows = await pages(`${repoPath(repository)}/tags?page_size=100`, tagRow, `list the tags of ${repository} on Docker Hub`)
      return rows.map((row) => ({
        name: row.name,
        digest: row.digest ?? null,
        pushed: row.tag_last_pushed ?? row.last_updated ?? null,
        fullSize: row.full_size ?? null,
      }))
    },
    async deleteTag(repository, tag) {
      const token = await login()
      await send('DELETE', `${repoPath(repository)}/tags/${encodeURIComponent(tag)}`, `delete ${repository}:${tag} on Docker Hub`, {
        authorization: `Bearer ${token}`,
      })
    },
    close: () => transport.close(),
  }
}
