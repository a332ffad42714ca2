// The blob and manifest writes a copy needs, over one registry's transport and auth (the `blobs` of
// a RegistryClient): a HEAD to see what is there, a streamed GET, and the upload protocol of the
// distribution spec — POST (optionally a cross-repository mount), PATCH chunks, GET of the upload's
// status, PUT ?digest= to complete, DELETE to abandon (SPEC "Pushing blobs", "Pushing a blob in
// chunks", "Mounting a blob from another repository"; docs/registry-notes.md "Copying").
//
// Every upload URL is the registry's Location resolved against the request that returned it, with
// its query kept as sent (distribution carries its signed `_state` there); `digest` is added to
// that query, never replacing it. A Location may not downgrade https, nor send the bytes to a
// loopback or private address that is not the registry's own host (GGCR does the same).
import { BerthError } from '../../shared/errors'
import { isDigest, sha256Digest } from './digest'
import { hostnameOf, isLoopbackHost, isPrivateOrLinkLocalHost } from './host-address'
import { baseMediaType } from './media-types'
import { sanitizeForMessage } from './sanitize'
import { repositoryScope } from './scope'
import { tagWriteRefusal } from './tag-write-refusal'
import { headerValue, type HttpRequest, type HttpResponse, type StreamedBody } from './transport'
import type { RegistryEndpoint } from './client-types'

export type { StreamedBody } from './transport'

export interface UploadSession {
  /** Absolute URL of the upload, as the registry gave it (query kept). */
  location: string
  /** Bytes the registry says it holds for this upload (its `Range`); 0 for a new upload. */
  offset: number
  /** `OCI-Chunk-Min-Length`: chunks must be at least this long, where the registry says so. */
  minChunkBytes: number | null
}

export type UploadStart = { mounted: true } | { mounted: false; session: UploadSession }

export interface BlobDownload {
  /** Content-Length of the answer, when the registry sent one. */
  size: number | null
  /** The bytes as they arrive (read once). Not verified here: the reader hashes them. */
  chunks: AsyncIterable<Uint8Array>
  cancel: () => void
}

export interface SignalOptions {
  signal?: AbortSignal
}

export interface BlobTransfer {
  /** HEAD /v2/<name>/blobs/<digest>: the size when the registry has the blob, null when it answers 404. */
  headBlob(repository: string, digest: string, options?: SignalOptions): Promise<{ size: number | null } | null>
  /** A streamed GET of a blob, capped at `maxBytes`. */
  openBlob(repository: string, digest: string, options: SignalOptions & { maxBytes: number }): Promise<BlobDownload>
  /** POST …/blobs/uploads/: with `mount`, the registry may link the blob from `from` at once (201). */
  startUpload(repository: string, options?: SignalOptions & { mount?: { digest: string; from: string } }): Promise<UploadStart>
  /** GET of an upload: what it holds now, with a fresh Location; null when the registry no longer knows it. */
  uploadStatus(repository: string, location: string, options?: SignalOptions): Promise<UploadSession | null>
  /** PATCH one chunk starting at `session.offset`; returns where the next one goes. */
  uploadChunk(repository: string, session: UploadSession, body: StreamedBody, options?: SignalOptions): Promise<UploadSession>
  /** PUT ?digest=: completes the upload, with its last (or only) bytes when given. */
  completeUpload(repository: string, session: UploadSession, digest: string, body?: StreamedBody, options?: SignalOptions): Promise<void>
  /** DELETE of an upload the copy gives up on; failures are ignored (the registry purges old uploads). */
  cancelUpload(repository: string, session: UploadSession): Promise<void>
  /** PUT of a manifest's exact bytes; `subject` is the OCI-Subject the registry answered (it keeps referrers itself). */
  pushManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<{ digest: string; subject: string | null }>
}

export interface BlobTransferDeps {
  endpoint: RegistryEndpoint
  /** scheme://host[:port] of the registry. */
  origin: string
  /** The client's send: auth from challenges; a streamed body is never re-sent after a 401. */
  send: (req: Omit<HttpRequest, 'authorization' | 'credentialOrigin'>, scopes: string[]) => Promise<HttpResponse>
  failure: (response: HttpResponse, operation: string) => BerthError
  checkRepository: (repository: string) => string
}

const errorBodyMaxBytes = 1024 * 1024

/** `Range: 0-<last byte>` → bytes held. distribution answers `0-0` for an empty upload too: read as 0. */
export function bytesInRange(range: string | undefined): number | null {
  const match = /^\s*(?:bytes=)?0-(\d{1,15})\s*$/.exec(range ?? '')
  if (!match?.[1]) return null
  const last = Number(match[1])
  return last === 0 ? 0 : last + 1
}

/** The upload URL a Location names, or a refusal when it would take the bytes somewhere they must not go. */
export function uploadTarget(location: string | undefined, base: string, endpoint: RegistryEndpoint): URL {
  if (location === undefined || location.trim() === '') {
    throw new BerthError({
      code: 'invalid_response',
      message: `${endpoint.host} answered an upload without saying where to send the bytes (no Location).`,
      fix: 'The registry (or a proxy in front of it) is misbehaving; retry, and report it if it persists.',
    })
  }
  let target: URL
  try {
    target = new URL(location, base)
  } catch (error) {
    throw new BerthError(
      { code: 'invalid_response', message: `${endpoint.host} gave an invalid upload Location (${sanitizeForMessage(location, 200)}).` },
      { cause: error },
    )
  }
  const registry = new URL(endpoint.url)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new BerthError({ code: 'unsafe_redirect', message: `${endpoint.host} sent an upload to a ${target.protocol} URL.` })
  }
  if (registry.protocol === 'https:' && target.protocol !== 'https:') {
    throw new BerthError({
      code: 'unsafe_redirect',
      message: `${endpoint.host} sent an upload to plain http (${sanitizeForMessage(target.origin, 200)}); Berth does not downgrade.`,
    })
  }
  const registryName = hostnameOf(registry.host)
  const targetName = hostnameOf(target.host)
  const bothLoopback = isLoopbackHost(targetName) && isLoopbackHost(registryName)
  if (targetName !== registryName && !bothLoopback && isPrivateOrLinkLocalHost(targetName)) {
    throw new BerthError({
      code: 'unsafe_redirect',
      message:
        `${endpoint.host} sent an upload to a local or private address (${sanitizeForMessage(target.host, 100)}); ` +
        'Berth will not send it there.',
      fix: 'The registry (or something in between) is misconfigured or hostile.',
    })
  }
  return target
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location)
  // The registry's own parameters stay exactly as given: only `digest` is appended.
  url.search = `${url.search === '' ? '?' : `${url.search}&`}digest=${encodeURIComponent(digest)}`
  return url.href
}

function minChunk(response: HttpResponse): number | null {
  const value = Number(headerValue(response.headers, 'oci-chunk-min-length') ?? Number.NaN)
  return Number.isSafeInteger(value) && value > 0 ? value : null
}

export function createBlobTransfer(deps: BlobTransferDeps): BlobTransfer {
  const { endpoint, send, failure, checkRepository } = deps
  const v2 = (path: string): string => `${deps.origin}/v2/${path}`
  const push = (name: string): string[] => [repositoryScope(name, ['pull', 'push'])]
  const signalOf = (options?: SignalOptions) => (options?.signal ? { signal: options.signal } : {})

  function checkDigest(digest: string): string {
    if (!isDigest(digest)) throw new BerthError({ code: 'invalid_input', message: `"${digest.slice(0, 150)}" is not a digest.` })
    return digest
  }

  function session(response: HttpResponse, fallbackLocation?: string): UploadSession {
    const location = headerValue(response.headers, 'location') ?? fallbackLocation
    return {
      location: uploadTarget(location, response.url, endpoint).href,
      offset: bytesInRange(headerValue(response.headers, 'range')) ?? 0,
      minChunkBytes: minChunk(response),
    }
  }

  function streamedHeaders(body: StreamedBody, start: number | null): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
    // SPEC "Pushing a blob in chunks": Content-Range start-end, inclusive.
    if (start !== null && body.length > 0) headers['content-range'] = `${start}-${start + body.length - 1}`
    return headers
  }

  async function startUpload(
    repository: string,
    options: SignalOptions & { mount?: { digest: string; from: string } } = {},
  ): Promise<UploadStart> {
    const name = checkRepository(repository)
    const mount = options.mount
    const operation = mount ? `mount blob ${checkDigest(mount.digest)} from ${mount.from} into ${name}` : `start an upload to ${name}`
    const query = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(checkRepository(mount.from))}` : ''
    // A mount needs pull on the repository it comes from, in the same token (DIST token.md).
    const scopes = mount ? [...push(name), repositoryScope(mount.from, ['pull'])] : push(name)
    const response = await send(
      {
        method: 'POST',
        url: v2(`${name}/blobs/uploads/${query}`),
        body: new Uint8Array(),
        maxBytes: errorBodyMaxBytes,
        operation,
        ...signalOf(options),
      },
      scopes,
    )
    if (mount && response.status === 201) {
      const stored = headerValue(response.headers, 'docker-content-digest')
      if (stored !== undefined && isDigest(stored) && stored !== mount.digest) {
        throw new BerthError({
          code: 'digest_mismatch',
          message: `${endpoint.host} mounted ${stored} when asked for ${mount.digest} (${operation}).`,
        })
      }
      return { mounted: true }
    }
    if (response.status === 202) return { mounted: false, session: session(response) }
    // Some registries refuse the mount parameters outright instead of starting a plain upload (GGCR #1404).
    if (mount) return startUpload(repository, signalOf(options))
    throw failure(response, operation)
  }

  return {
    startUpload,

    async headBlob(repository, digest, options) {
      const name = checkRepository(repository)
      const operation = `check blob ${checkDigest(digest)} in ${name}`
      const response = await send({ method: 'HEAD', url: v2(`${name}/blobs/${digest}`), maxBytes: 0, operation, ...signalOf(options) }, [
        repositoryScope(name, ['pull']),
      ])
      if (response.status === 404) return null
      if (response.status !== 200) throw failure(response, operation)
      const length = Number(headerValue(response.headers, 'content-length') ?? Number.NaN)
      return { size: Number.isSafeInteger(length) && length >= 0 ? length : null }
    },

    async openBlob(repository, digest, options) {
      const name = checkRepository(repository)
      const operation = `read blob ${checkDigest(digest)} of ${name}`
      // Blob GETs are often redirected to object storage: the transport follows, without our credentials.
      const response = await send(
        {
          method: 'GET',
          url: v2(`${name}/blobs/${digest}`),
          maxBytes: options.maxBytes,
          streamResponse: true,
          operation,
          ...signalOf(options),
        },
        [repositoryScope(name, ['pull'])],
      )
      if (response.status !== 200 || response.stream === undefined) {
        response.stream?.cancel()
        throw failure(response, operation)
      }
      const length = Number(headerValue(response.headers, 'content-length') ?? Number.NaN)
      return { size: Number.isSafeInteger(length) ? length : null, chunks: response.stream.chunks, cancel: response.stream.cancel }
    },

    async uploadStatus(repository, location, options) {
      const name = checkRepository(repository)
      const operation = `check the upload of a blob to ${name}`
      const url = uploadTarget(location, location, endpoint).href
      const response = await send({ method: 'GET', url, maxBytes: errorBodyMaxBytes, operation, ...signalOf(options) }, push(name))
      // 404 BLOB_UPLOAD_UNKNOWN (purged), 400 BLOB_UPLOAD_INVALID (distribution 2.8 refuses a stale _state and cancels the upload).
      if (response.status === 404 || response.status === 400 || response.status === 416) return null
      if (response.status !== 204 && response.status !== 200) throw failure(response, operation)
      const range = bytesInRange(headerValue(response.headers, 'range'))
      if (range === null) return null
      return { ...session(response, url), offset: range }
    },

    async uploadChunk(repository, current, body, options) {
      const name = checkRepository(repository)
      const operation = `upload bytes ${current.offset}-${current.offset + body.length - 1} of a blob to ${name}`
      const response = await send(
        {
          method: 'PATCH',
          url: uploadTarget(current.location, current.location, endpoint).href,
          headers: streamedHeaders(body, current.offset),
          body,
          maxBytes: errorBodyMaxBytes,
          operation,
          ...signalOf(options),
        },
        push(name),
      )
      if (response.status !== 202 && response.status !== 204 && response.status !== 201) throw failure(response, operation)
      const next = session(response, current.location)
      const expected = current.offset + body.length
      // A registry that reports no Range has taken what it was sent (the request succeeded).
      if (headerValue(response.headers, 'range') === undefined) return { ...next, offset: expected }
      if (next.offset !== expected) {
        throw new BerthError({
          code: 'invalid_response',
          message:
            `${endpoint.host} holds ${next.offset} bytes of the upload after a chunk ` +
            `that should have brought it to ${expected} (${operation}).`,
          fix: 'Run the copy again: it asks the registry what it holds and resumes from there.',
        })
      }
      return next
    },

    async completeUpload(repository, current, digest, body, options) {
      const name = checkRepository(repository)
      const operation = `complete the upload of blob ${checkDigest(digest)} to ${name}`
      const url = withDigest(uploadTarget(current.location, current.location, endpoint).href, digest)
      const response = await send(
        {
          method: 'PUT',
          url,
          headers: body
            ? streamedHeaders(body, current.offset > 0 ? current.offset : null)
            : { 'content-type': 'application/octet-stream' },
          body: body ?? new Uint8Array(),
          maxBytes: errorBodyMaxBytes,
          operation,
          ...signalOf(options),
        },
        push(name),
      )
      if (response.status !== 201 && response.status !== 204 && response.status !== 200) throw failure(response, operation)
      const stored = headerValue(response.headers, 'docker-content-digest')
      if (stored !== undefined && isDigest(stored) && stored !== digest) {
        throw new BerthError({ code: 'digest_mismatch', message: `${endpoint.host} stored ${stored} for ${digest} (${operation}).` })
      }
    },

    async cancelUpload(repository, current) {
      try {
        const name = checkRepository(repository)
        const url = uploadTarget(current.location, current.location, endpoint).href
        await send({ method: 'DELETE', url, maxBytes: errorBodyMaxBytes, operation: `cancel an upload to ${name}` }, push(name))
      } catch {
        // Abandoned uploads are purged by the registry; failing to say goodbye changes nothing.
      }
    },

    async pushManifest(repository, reference, bytes, mediaType) {
      const name = checkRepository(repository)
      const operation = `push manifest ${name}${isDigest(reference) ? '@' : ':'}${reference}`
      const response = await send(
        {
          method: 'PUT',
          url: v2(`${name}/manifests/${reference}`),
          headers: { 'content-type': baseMediaType(mediaType) },
          body: bytes,
          maxBytes: errorBodyMaxBytes,
          operation,
        },
        push(name),
      )
      if (response.status !== 201 && response.status !== 200) {
        throw (isDigest(reference) ? null : tagWriteRefusal(response, endpoint.host, reference)) ?? failure(response, operation)
      }
      const digest = sha256Digest(bytes)
      if (isDigest(reference) && reference !== digest) {
        throw new BerthError({ code: 'internal', message: `Pushed ${digest} under the digest ${reference}.` })
      }
      const stored = headerValue(response.headers, 'docker-content-digest')
      // The registry hashes what it received: another digest means the bytes changed on the way.
      if (stored !== undefined && stored.startsWith('sha256:') && isDigest(stored) && stored !== digest) {
        throw new BerthError({
          code: 'digest_mismatch',
          message: `${endpoint.host} stored ${stored} for the manifest Berth sent as ${digest} (${operation}).`,
          fix: 'A proxy or the registry altered the manifest; nothing else was tagged.',
        })
      }
      return { digest, subject: headerValue(response.headers, 'oci-subject') ?? null }
    },
  }
}
