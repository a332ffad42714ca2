// The v2/OCI registry client: the raw calls of RegistryClient (electron/http/client-types.ts) over one
// registry's transport and auth. Every request goes out without credentials first or with what an
// earlier challenge taught; a 401 is answered once by auth (fresh token, added scope), then any
// failure becomes a BerthError via errorFromResponse (docs/registry-notes.md "Auth", "Listing",
// "Manifests"). Every request has total deadlines (transport.ts) and every listing a deadline and
// budgets (listing-guard.ts), configurable per client or through BERTH_* variables (http-limits.ts).
import { BerthError } from '../../shared/errors'
import type { RepositoryListing } from '../../shared/types'
import { createRegistryAuth, type HostResolver } from './auth'
import { pickChallenge } from './challenge'
import { isDigest, sha256Digest, verifyDigest } from './digest'
import { isLoopbackHost } from './host-address'
import type { Clock } from './http-clock'
import { resolveListingLimits, type HttpDeadlines, type ListingLimits } from './http-limits'
import { catalogPageSchema, createPageWalker, parseJsonBody, tagsPageSchema } from './http-paging'
import { startListingGuard } from './listing-guard'
import { baseMediaType, isSchema1MediaType, manifestAcceptHeader, ociIndex } from './media-types'
import { sanitizeForMessage } from './sanitize'
import { catalogScope, repositoryScope } from './scope'
import { createBlobTransfer } from './registry-blobs'
import {
  createTransport,
  flatHeaders,
  headerValue,
  headerValues,
  isStreamedBody,
  responseError,
  type HttpRequest,
  type HttpResponse,
} from './transport'
import type {
  CredentialSource,
  ManifestHead,
  ManifestResponse,
  PingResult,
  RegistryClient,
  RegistryEndpoint,
  TlsTrust,
} from './client-types'

export interface RegistryClientOptions {
  endpoint: RegistryEndpoint
  trust?: TlsTrust
  credentials?: CredentialSource
  maxConnections?: number
  userAgent?: string
  clock?: Clock
  onRefreshToken?: (token: string) => void
  /** Total deadlines of each request; unset fields from BERTH_* variables or defaults (http-limits.ts). */
  deadlines?: Partial<HttpDeadlines>
  /** Deadline and budgets of each catalog or tag listing; unset fields as above. */
  listingLimits?: Partial<ListingLimits>
  /** Resolver of token realm host names for the realm guard (tests inject one). */
  resolveHost?: HostResolver
}

const manifestMaxBytes = 4 * 1024 * 1024
const jsonPageMaxBytes = 8 * 1024 * 1024
const errorBodyMaxBytes = 1024 * 1024
const defaultCatalogPageSize = 1000
/** DIST 2.8 rejects n > 1000 with PAGINATION_NUMBER_INVALID; 100 is its own default. */
const fallbackCatalogPageSize = 100

// DIST reference/regexp.go: path components of lower-case alphanumerics and separators.
const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/
const tagPattern = /^\w[\w.-]{0,127}$/

function checkRepository(repository: string): string {
  if (repository.length > 255 || !repositoryPattern.test(repository)) {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${repository.slice(0, 100)}" is not a valid repository name.`,
      fix: 'Use lower-case letters, digits, separators (. _ -) and slashes, as in group/project/image.',
    })
  }
  return repository
}

function checkReference(reference: string): string {
  if (!isDigest(reference) && !tagPattern.test(reference)) {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${reference.slice(0, 150)}" is neither a tag nor a digest.`,
      fix: 'Tags are up to 128 letters, digits, _ . -; digests look like sha256:<64 hex>.',
    })
  }
  return reference
}

function checkEndpoint(endpoint: RegistryEndpoint): URL {
  let url: URL
  try {
    url = new URL(endpoint.url)
  } catch (error) {
    throw new BerthError({ code: 'invalid_input', message: `"${endpoint.url.slice(0, 200)}" is not a registry URL.` }, { cause: error })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BerthError({
      code: 'invalid_input',
      message: `Registry URLs use https (or http for an insecure registry), not ${url.protocol}.`,
    })
  }
  if (url.protocol === 'http:' && !endpoint.insecure && !isLoopbackHost(url.host)) {
    throw new BerthError({
      code: 'invalid_input',
      message: `${url.host} would be contacted over plain http, which exposes credentials and content.`,
      fix: 'Use https, or mark this registry as insecure if you really mean plain http.',
    })
  }
  return url
}

type SendRequest = Omit<HttpRequest, 'authorization' | 'credentialOrigin'>

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const endpoint = options.endpoint
  const origin = checkEndpoint(endpoint).origin
  const transport = createTransport({
    endpoint,
    ...(options.trust ? { trust: options.trust } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
  })
  const auth = createRegistryAuth({
    transport,
    endpoint,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onRefreshToken ? { onRefreshToken: options.onRefreshToken } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  })
  const listingLimits = resolveListingLimits(options.listingLimits)

  const v2 = (path: string): string => `${origin}/v2/${path}`

  /**
   * Sends with what auth knows; a 401 is answered by auth once after credentials were sent
   * (the first challenge of an anonymous request does not count), then returned to the caller.
   */
  async function send(req: SendRequest, scopes: string[]): Promise<HttpResponse> {
    let authorization = await auth.authorization(scopes)
    let retriedWithCredentials = false
    for (;;) {
      const response = await transport.request({
        ...req,
        credentialOrigin: origin,
        ...(authorization !== undefined ? { authorization } : {}),
      })
      if (response.status !== 401) return response
      // A streamed body was consumed by the first attempt: the caller resumes instead (copy-blob.ts).
      if (isStreamedBody(req.body)) {
        await auth.afterUnauthorized(response, scopes, authorization).catch(() => null)
        return response
      }
      if (authorization !== undefined) {
        if (retriedWithCredentials) return response
        retriedWithCredentials = true
      }
      const next = await auth.afterUnauthorized(response, scopes, authorization)
      if (next === null) return response
      authorization = next
    }
  }

  /**
   * Token registries (DIST, GitLab) answer a request the token does not cover with 401
   * insufficient_scope even when we are signed in: the token server granted less than we asked
   * (DIST token.md: it grants the intersection). That is "you may not" (403), not "who are you".
   */
  function failure(response: HttpResponse, operation: string): BerthError {
    const error = responseError(response, operation)
    const insufficient = headerValues(response.headers, 'www-authenticate').some((h) => /error\s*=\s*"?insufficient_scope/i.test(h))
    if (response.status !== 401 || !insufficient || !auth.hasCredentials()) return error
    const isDelete = response.method === 'DELETE'
    return new BerthError({
      ...error.data,
      code: 'forbidden',
      message:
        `${endpoint.host} refused to ${operation}: the token server did not grant these credentials ` +
        `the ${isDelete ? 'delete' : 'required'} permission (insufficient_scope).`,
      fix: isDelete
        ? 'Use an account or token with delete rights on this repository (e.g. Maintainer in GitLab, a token with the delete scope).'
        : 'Use an account or token with access to this repository.',
    })
  }

  function pull(repository: string): string[] {
    return [repositoryScope(repository, ['pull'])]
  }

  function manifestMediaType(response: HttpResponse, bytes: Uint8Array): string {
    const header = baseMediaType(headerValue(response.headers, 'content-type'))
    if (header && header !== 'application/json' && header !== 'application/octet-stream' && header !== 'text/plain') return header
    // Some registries send a generic Content-Type: the manifest's own mediaType field says it.
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes))
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { mediaType?: unknown }).mediaType === 'string')
        return (parsed as { mediaType: string }).mediaType
    } catch {
      // not JSON: the header is all we have
    }
    return header
  }

  async function getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<ManifestResponse> {
    const name = checkRepository(repository)
    const ref = checkReference(reference)
    const response = await send(
      {
        method: 'GET',
        url: v2(`${name}/manifests/${ref}`),
        headers: { accept: manifestAcceptHeader },
        maxBytes: manifestMaxBytes,
        operation: `get manifest ${name}:${ref}`,
        ...(signal ? { signal } : {}),
      },
      pull(name),
    )
    if (response.status !== 200) throw failure(response, `get manifest ${name}:${ref}`)
    const bytes = response.body
    // The digest is ours, computed over the bytes. By digest, the bytes must match it; by tag, a
    // Docker-Content-Digest the registry did send must match too — otherwise content altered on
    // the way (plain HTTP, a broken proxy) would pass unnoticed. Schema1 is exempt: its header
    // digest covers the payload without the signatures, not the bytes.
    if (isDigest(ref)) verifyDigest(bytes, ref)
    const mediaType = manifestMediaType(response, bytes)
    const announced = headerValue(response.headers, 'docker-content-digest')
    if (
      !isDigest(ref) &&
      announced !== undefined &&
      announced.startsWith('sha256:') &&
      isDigest(announced) &&
      !isSchema1MediaType(mediaType)
    ) {
      verifyDigest(bytes, announced)
    }
    return { bytes, digest: isDigest(ref) ? ref : sha256Digest(bytes), mediaType }
  }

  /**
   * Every page's items, or the first page's non-200 response (the caller decides what it means).
   * A failure on any later page throws, naming the page: the listing can no longer be complete
   * (docs/registry-notes.md "Listing"). Items are appended one by one: a spread of a registry-sized
   * array into push() overflows the stack past ~125,000 arguments.
   */
  async function listPages<T>(
    firstUrl: string,
    scopes: string[],
    operation: string,
    listing: { what: string; entry: readonly [string, string]; signal: AbortSignal | undefined },
    read: (response: HttpResponse) => T[],
  ): Promise<{ items: T[] } | { failed: HttpResponse }> {
    const walker = createPageWalker(firstUrl)
    const guard = startListingGuard({
      what: listing.what,
      entry: listing.entry,
      limits: listingLimits,
      ...(listing.signal ? { callerSignal: listing.signal } : {}),
    })
    const items: T[] = []
    try {
      let url: string | null = firstUrl
      while (url !== null) {
        guard.throwIfStopped()
        let response: HttpResponse
        let page: T[]
        try {
          response = await send(
            { method: 'GET', url, headers: { accept: 'application/json' }, maxBytes: jsonPageMaxBytes, operation, signal: guard.signal },
            scopes,
          )
          if (response.status !== 200) {
            if (guard.page === 1) return { failed: response }
            throw failure(response, operation)
          }
          page = read(response)
        } catch (error) {
          if (error instanceof BerthError) throw guard.pageFailure(error)
          throw error
        }
        // The Link counts too: the walker keeps every page URL it followed (up to 64 KiB each).
        guard.addPage(response.body.byteLength + (headerValue(response.headers, 'link')?.length ?? 0), page.length)
        for (const item of page) items.push(item)
        url = walker.next(response)
      }
      return { items }
    } finally {
      guard.finish()
    }
  }

  function catalogUnavailable(status: number): RepositoryListing {
    const why =
      status === 401
        ? 'the registry did not grant catalog access (registry:catalog:*) to these credentials'
        : status === 403
          ? 'these credentials may not list the catalog'
          : 'this registry offers no catalog'
    return { repositories: [], catalog: 'unavailable', reason: `${why} (HTTP ${status}); add repositories by name.` }
  }

  return {
    endpoint,

    async ping(options = {}): Promise<PingResult> {
      const url = v2('')
      const operation = 'check the registry API (/v2/)'
      const response = await transport.request({ method: 'GET', url, maxBytes: errorBodyMaxBytes, operation })
      const certificate = url.startsWith('https:') ? transport.lastCertificate(url) : undefined
      const base = { headers: flatHeaders(response.headers), ...(certificate ? { certificate } : {}) }
      if (response.status === 200) return { auth: 'open', challenges: [], ...base, ...(options.signIn ? { access: 'open' as const } : {}) }
      if (response.status !== 401) throw responseError(response, operation)
      const challenges = auth.observe(response)
      const picked = pickChallenge(challenges)
      if (!picked) throw responseError(response, operation)
      const realm = picked.scheme === 'basic' || !picked.params.realm ? undefined : new URL(picked.params.realm, response.url).href
      // Callers hand the realm on (GitLab's REST API lives there): it passes the same guard as a
      // token request, host name resolved (docs/registry-notes.md "Auth", realm guard).
      if (realm !== undefined) await auth.checkRealmHost(new URL(realm))
      let access: PingResult['access']
      if (options.signIn) {
        // docker login's check: /v2/ again with Basic, or with a token for no scope.
        const signedIn = await send({ method: 'GET', url, maxBytes: errorBodyMaxBytes, operation: 'sign in to the registry (/v2/)' }, [])
        if (signedIn.status !== 200) throw failure(signedIn, 'sign in to the registry (/v2/)')
        access = auth.hasCredentials() ? 'signed-in' : 'anonymous'
      }
      return {
        auth: picked.scheme === 'basic' ? 'basic' : 'bearer',
        challenges,
        ...(realm ? { realm } : {}),
        ...(picked.scheme !== 'basic' && picked.params.service ? { service: picked.params.service } : {}),
        ...base,
        ...(access ? { access } : {}),
      }
    },

    async catalog(options = {}) {
      const operation = 'list the catalog'
      let pageSize = options.pageSize ?? defaultCatalogPageSize
      for (;;) {
        const result = await listPages(
          v2(`_catalog?n=${pageSize}`),
          [catalogScope],
          operation,
          { what: `the catalog of ${endpoint.host}`, entry: ['repository', 'repositories'], signal: options.signal },
          (response) => parseJsonBody(response, catalogPageSchema, 'a catalog page').repositories ?? [],
        )
        if ('items' in result) return { repositories: result.items, catalog: 'available' }
        // Only the first page can say "no catalog here": later pages throw in listPages.
        const { failed } = result
        if ([401, 403, 404, 405].includes(failed.status)) return catalogUnavailable(failed.status)
        const error = failure(failed, operation)
        if (failed.status === 400 && error.data.registryCode === 'PAGINATION_NUMBER_INVALID' && pageSize > fallbackCatalogPageSize) {
          pageSize = fallbackCatalogPageSize
          continue
        }
        throw error
      }
    },

    async listTags(repository, options = {}) {
      const name = checkRepository(repository)
      const query = options.pageSize !== undefined ? `?n=${options.pageSize}` : ''
      const operation = `list tags of ${name}`
      const result = await listPages(
        v2(`${name}/tags/list${query}`),
        pull(name),
        operation,
        { what: `the tags of ${name} on ${endpoint.host}`, entry: ['tag', 'tags'], signal: options.signal },
        (response) => parseJsonBody(response, tagsPageSchema, 'a tag list').tags ?? [],
      )
      if ('failed' in result) throw failure(result.failed, operation)
      return result.items
    },

    getManifest: (repository, reference, options = {}) => getManifest(repository, reference, options.signal),

    async headManifest(repository, reference, options = {}): Promise<ManifestHead> {
      const name = checkRepository(repository)
      const ref = checkReference(reference)
      const operation = `check manifest ${name}:${ref}`
      const response = await send(
        {
          method: 'HEAD',
          url: v2(`${name}/manifests/${ref}`),
          headers: { accept: manifestAcceptHeader },
          maxBytes: 0,
          operation,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        pull(name),
      )
      if (response.status !== 200) throw failure(response, operation)
      const digest = headerValue(response.headers, 'docker-content-digest')
      if (digest === undefined || !isDigest(digest)) {
        // No usable digest header (allowed on HEAD): only the bytes can tell.
        const full = await getManifest(name, ref, options.signal)
        return { digest: full.digest, mediaType: full.mediaType, size: full.bytes.byteLength }
      }
      const length = Number(headerValue(response.headers, 'content-length') ?? Number.NaN)
      return {
        digest,
        mediaType: baseMediaType(headerValue(response.headers, 'content-type')),
        size: Number.isFinite(length) ? length : null,
      }
    },

    async putManifest(repository, reference, bytes, mediaType) {
      const name = checkRepository(repository)
      const ref = checkReference(reference)
      const operation = `push manifest ${name}:${ref}`
      const response = await send(
        {
          method: 'PUT',
          url: v2(`${name}/manifests/${ref}`),
          headers: { 'content-type': mediaType },
          body: bytes,
          maxBytes: errorBodyMaxBytes,
          operation,
        },
        [repositoryScope(name, ['pull', 'push'])],
      )
      if (response.status !== 201 && response.status !== 200) throw failure(response, operation)
      return { digest: isDigest(ref) ? ref : sha256Digest(bytes) }
    },

    async deleteManifest(repository, reference) {
      const name = checkRepository(repository)
      const ref = checkReference(reference)
      const operation = `delete manifest ${name}:${ref}`
      // Some registries only grant delete together with pull and push (docs/registry-notes.md "Auth").
      const response = await send({ method: 'DELETE', url: v2(`${name}/manifests/${ref}`), maxBytes: errorBodyMaxBytes, operation }, [
        repositoryScope(name, ['pull', 'push', 'delete']),
      ])
      if (response.status !== 202 && response.status !== 200) throw failure(response, operation)
    },

    async getBlob(repository, digest, options) {
      const name = checkRepository(repository)
      if (!isDigest(digest)) throw new BerthError({ code: 'invalid_input', message: `"${digest.slice(0, 150)}" is not a digest.` })
      const operation = `get blob ${digest} of ${name}`
      // Blob GETs are often redirected to object storage: the transport follows, without our credentials.
      const response = await send(
        {
          method: 'GET',
          url: v2(`${name}/blobs/${digest}`),
          maxBytes: options.maxBytes,
          operation,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        pull(name),
      )
      if (response.status !== 200) throw failure(response, operation)
      verifyDigest(response.body, digest)
      return response.body
    },

    async uploadBlob(repository, bytes) {
      const name = checkRepository(repository)
      const digest = sha256Digest(bytes)
      const operation = `upload blob ${digest} to ${name}`
      const scopes = [repositoryScope(name, ['pull', 'push'])]
      const started = await send(
        { method: 'POST', url: v2(`${name}/blobs/uploads/`), body: new Uint8Array(), maxBytes: errorBodyMaxBytes, operation },
        scopes,
      )
      if (started.status !== 202) throw failure(started, operation)
      const location = headerValue(started.headers, 'location')
      if (location === undefined)
        throw new BerthError({
          code: 'invalid_response',
          message: `${endpoint.host} started an upload without saying where to send it (no Location).`,
        })
      // SPEC "Pushing a blob monolithically": Location may be relative and may carry its own query.
      const target = new URL(location, started.url)
      // Same rules as redirects: never from https to anything else. (Off-origin, the transport
      // sends the bytes without our Authorization.)
      if (target.protocol !== 'https:' && (origin.startsWith('https:') || target.protocol !== 'http:')) {
        throw new BerthError({
          code: 'unsafe_redirect',
          message: `${endpoint.host} sent the upload to an insecure location (${sanitizeForMessage(target.origin, 200)}).`,
        })
      }
      target.searchParams.set('digest', digest)
      const finished = await send(
        {
          method: 'PUT',
          url: target.href,
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
          maxBytes: errorBodyMaxBytes,
          operation,
        },
        scopes,
      )
      if (finished.status !== 201 && finished.status !== 204 && finished.status !== 200) throw failure(finished, operation)
      return digest
    },

    async getReferrers(repository, digest, options = {}) {
      const name = checkRepository(repository)
      if (!isDigest(digest)) throw new BerthError({ code: 'invalid_input', message: `"${digest.slice(0, 150)}" is not a digest.` })
      const operation = `list referrers of ${digest} in ${name}`
      const response = await send(
        {
          method: 'GET',
          url: v2(`${name}/referrers/${digest}`),
          headers: { accept: ociIndex },
          maxBytes: jsonPageMaxBytes,
          operation,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        pull(name),
      )
      // SPEC "Listing Referrers": registries without the API answer 404; others 400/405/406/501.
      if ([400, 404, 405, 406, 501].includes(response.status)) return null
      if (response.status !== 200) throw failure(response, operation)
      return response.body
    },

    blobs: createBlobTransfer({ endpoint, origin, send, failure, checkRepository }),

    prepareRepositories: (repositories) =>
      auth.prepare(
        repositories.filter((name) => name.length <= 255 && repositoryPattern.test(name)).map((name) => repositoryScope(name, ['pull'])),
      ),

    rateLimit: () => transport.rateLimit(),
    close: () => transport.close(),
  }
}
