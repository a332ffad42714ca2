// Fetching manifests and config blobs for one operation: digest-cache first, network second, and
// every digest fetched at most once per operation (single-flight), because 30 tags often share a
// handful of configs and an index's children share layers. Content at a digest never changes
// (docs/registry-notes.md "Manifests"), so whatever is fetched is cached forever.
import { BerthError } from '../../shared/errors'
import { createBoundedPool } from '../http/bounded-pool'
import { createDigestCache, type DigestCache } from '../stores/cache/digest-cache'
import { isDigest, sha256Digest, verifyDigest } from '../http/digest'
import { maxConfigBytes, parseManifest, type ParsedManifest } from './manifest'
import type { RegistryClient } from '../http/client-types'

export interface LoadedManifest {
  digest: string
  bytes: Uint8Array
  parsed: ParsedManifest
}

export interface ResolvedTag {
  digest: string
  /** The Content-Type the registry sent with the HEAD (or GET). */
  mediaType: string
}

export interface ContentLoader {
  readonly client: RegistryClient
  /** Waits for the cache's background disk writes started by this operation. */
  flush(): Promise<void>
  /** HEAD with the full Accept list; a GET only when the registry sends no Docker-Content-Digest. */
  resolve(repository: string, reference: string): Promise<ResolvedTag>
  /** The manifest at `digest`, from the cache or a verified GET by digest. */
  manifest(repository: string, digest: string, mediaTypeHint?: string): Promise<LoadedManifest>
  /** The (image) config blob at `digest`, from the cache or a verified blob GET. */
  configBlob(repository: string, digest: string): Promise<Uint8Array>
  /**
   * The digest the registry answers now for `reference`, and the manifest there, in as few requests
   * as the situation allows (see `resolvesByHead`). `hint`: the digest the tag had last time.
   */
  load(repository: string, reference: string, hint?: string): Promise<ResolvedTag & { manifest: LoadedManifest }>
}

/** Docker Hub under any of its names (docker.io, registry-1.docker.io, index.docker.io). */
export function isDockerHub(host: string): boolean {
  const name = host.toLowerCase().replace(/:\d+$/, '')
  return name === 'docker.io' || name.endsWith('.docker.io')
}

/**
 * HEAD first (then the manifest from the digest cache, or a GET by digest) when that can save the
 * GET: the reference is a digest, a hint says which digest the tag probably still has, or the
 * registry is Docker Hub, where manifest GETs count as pulls and HEADs are free (docs/registry-notes.md
 * "Manifests"). Otherwise one GET by tag brings digest and bytes at once: 1 request instead of 2.
 */
export function resolvesByHead(host: string, reference: string, hint: string | undefined): boolean {
  return isDigest(reference) || hint !== undefined || isDockerHub(host)
}

export function createContentLoader(client: RegistryClient, cache?: DigestCache, signal?: AbortSignal): ContentLoader {
  const store = cache ?? createDigestCache({})
  const manifestFlights = new Map<string, Promise<Uint8Array>>()
  const blobFlights = new Map<string, Promise<Uint8Array>>()
  const requestOptions = signal ? { signal } : {}

  const singleFlight = (
    flights: Map<string, Promise<Uint8Array>>,
    digest: string,
    fetch: () => Promise<Uint8Array>,
  ): Promise<Uint8Array> => {
    const existing = flights.get(digest)
    if (existing) return existing
    const flight = (async () => {
      const cached = await store.get(digest)
      if (cached) return cached
      const bytes = await fetch()
      // The client verifies by-digest fetches too; checking again here keeps a faulty client (or
      // proxy) from poisoning a cache that is trusted forever.
      verifyDigest(bytes, digest)
      // The memory copy serves at once; the disk write finishes in the background (flush() awaits it).
      void store.put(digest, bytes)
      return bytes
    })()
    flights.set(digest, flight)
    // A failed fetch must not be remembered: the next caller in this operation may retry.
    flight.catch(() => flights.delete(digest))
    return flight
  }

  const loader: ContentLoader = {
    client,
    flush: () => store.flush(),
    async resolve(repository, reference) {
      throwIfAborted(signal)
      const head = await client.headManifest(repository, reference, requestOptions)
      if (head.digest) return { digest: head.digest, mediaType: head.mediaType }
      // Docker-Content-Digest is optional on HEAD: the digest is then the hash of the GET body.
      const response = await client.getManifest(repository, reference, requestOptions)
      const digest = sha256Digest(response.bytes)
      await store.put(digest, response.bytes)
      return { digest, mediaType: response.mediaType }
    },
    async manifest(repository, digest, mediaTypeHint) {
      throwIfAborted(signal)
      const bytes = await singleFlight(
        manifestFlights,
        digest,
        async () => (await client.getManifest(repository, digest, requestOptions)).bytes,
      )
      return { digest, bytes, parsed: parseManifest(bytes, mediaTypeHint ?? null) }
    },
    configBlob(repository, digest) {
      throwIfAborted(signal)
      return singleFlight(blobFlights, digest, () => client.getBlob(repository, digest, { maxBytes: maxConfigBytes, ...requestOptions }))
    },
    async load(repository, reference, hint) {
      if (resolvesByHead(client.endpoint.host, reference, hint)) {
        const resolved = await loader.resolve(repository, reference)
        return { ...resolved, manifest: await loader.manifest(repository, resolved.digest, resolved.mediaType) }
      }
      throwIfAborted(signal)
      const response = await client.getManifest(repository, reference, requestOptions)
      // The client hashes the exact bytes (Docker-Content-Digest is advisory); hashing them again
      // keeps a faulty client (or proxy) from poisoning a cache that is trusted forever.
      const digest = response.digest
      verifyDigest(response.bytes, digest)
      // Memory at once, disk in the background: tags sharing this digest later find it cached.
      void store.put(digest, response.bytes)
      const manifest = { digest, bytes: response.bytes, parsed: parseManifest(response.bytes, response.mediaType) }
      return { digest, mediaType: response.mediaType, manifest }
    },
  }
  return loader
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BerthError({ code: 'cancelled', message: 'The operation was cancelled.' })
}

/**
 * The current digest of every tag in `tags` (HEADs with bounded concurrency). Tags that vanish
 * meanwhile are left out; any other failure rejects, because callers (delete previews) must not
 * present a partial answer as complete.
 */
export async function resolveTagDigests(
  loader: ContentLoader,
  repository: string,
  tags: readonly string[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const pool = createBoundedPool(concurrency, signal)
  const entries = await Promise.all(
    tags.map((tag) =>
      pool.run(async (): Promise<[string, string] | null> => {
        try {
          return [tag, (await loader.resolve(repository, tag)).digest]
        } catch (error) {
          if (error instanceof BerthError && error.code === 'not_found') return null
          throw error
        }
      }),
    ),
  )
  return new Map(entries.filter((e): e is [string, string] => e !== null))
}

/** Tags whose digest is `digest`, in the order of `digests` (tag list order). */
export function tagsOnDigest(digests: ReadonlyMap<string, string>, digest: string): string[] {
  return [...digests].filter(([, d]) => d === digest).map(([tag]) => tag)
}
