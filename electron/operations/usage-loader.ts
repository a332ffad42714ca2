// Fills a usage graph (usage-graph.ts) from manifests only: a manifest comes from the digest cache or
// one GET by digest (content-loader.ts, single-flight), an index's platform and attestation manifests
// likewise, and no config or layer blob is ever fetched: their sizes are stated in the manifest. A
// manifest already in the graph costs nothing, so a warm run reads the cache and parses, nothing more.
// Referrers come from the registry's referrers API where it has one (the caller says whether it has:
// distribution 2.8 answers 404, and there the tag-schema and cosign tags are tags of the repository).
import { BerthError, toErrorData } from '../../shared/errors'
import { isDigest } from '../http/digest'
import type { ContentLoader } from './content-loader'
import { parseManifest, type ParsedManifest } from './manifest'
import type { ManifestNode, UsageGraph } from './usage-graph'

export interface UsageLoaderOptions {
  graph: UsageGraph
  /** Manifests by digest: the digest cache first, else a verified GET. */
  content: Pick<ContentLoader, 'manifest'>
  /** The referrers API's answer (an OCI index), or null where the registry has no such API. */
  referrers?: (repository: string, digest: string) => Promise<Uint8Array | null>
  /** Whether the registry has the referrers API at all; without it, `referrers` is never called. */
  referrersApi?: (repository: string) => Promise<boolean>
  signal?: AbortSignal
}

/** A manifest already in hand (a GET by tag brought it), so it is neither read nor parsed again. */
export interface ManifestInHand {
  mediaType?: string
  bytes?: Uint8Array
  parsed?: ParsedManifest
}

export interface UsageLoader {
  /**
   * Puts the manifest at `digest` and everything it references into the graph. `bytes`: the
   * manifest already in hand (a GET by tag brought it). Only a cancel rejects: a manifest that cannot
   * be read becomes a partial node.
   */
  load(repository: string, digest: string, manifest?: ManifestInHand): Promise<void>
  /** Asks the referrers API for `digest` (where the registry has one) and loads what it lists. */
  loadReferrers(repository: string, digest: string): Promise<void>
}

/** How deep an index may nest (an index of indexes is legal; a deeper chain is not worth following). */
const maxDepth = 4

export function createUsageLoader(options: UsageLoaderOptions): UsageLoader {
  const { graph } = options
  const inFlight = new Map<string, Promise<void>>()
  /** Read (or tried) in this run: a manifest that failed is not asked for again by every index naming it. */
  const attempted = new Set<string>()

  const cancelled = (error: unknown): boolean => toErrorData(error).code === 'cancelled'

  function throwIfAborted(): void {
    if (options.signal?.aborted) throw new BerthError({ code: 'cancelled', message: 'The operation was cancelled.' })
  }

  async function loadNode(repository: string, digest: string, depth: number, inHand: ManifestInHand): Promise<void> {
    throwIfAborted()
    const known = graph.get(digest)
    if (known !== undefined && (known.partial === undefined || attempted.has(digest))) return
    attempted.add(digest)
    let parsed: ParsedManifest
    let size: number
    try {
      if (inHand.bytes !== undefined) {
        parsed = inHand.parsed ?? parseManifest(inHand.bytes, inHand.mediaType ?? null)
        size = inHand.bytes.byteLength
      } else {
        const loaded = await options.content.manifest(repository, digest, inHand.mediaType)
        parsed = loaded.parsed
        size = loaded.bytes.byteLength
      }
    } catch (error) {
      if (cancelled(error)) throw error
      // Keep the size a referencing descriptor stated, if an earlier partial node had it.
      graph.set({
        digest,
        size: known?.size ?? 0,
        blobs: [],
        manifests: [],
        partial: `${digest} could not be read: ${toErrorData(error).message}`,
      })
      return
    }
    const node = nodeOf(digest, size, parsed)
    graph.set(node)
    if (parsed.kind !== 'index') return
    if (depth >= maxDepth) {
      graph.set({ ...node, partial: `${digest} nests indexes deeper than ${maxDepth} levels` })
      return
    }
    await Promise.all(
      parsed.manifests.map(async (child) => {
        const existing = graph.get(child.digest)
        if (existing !== undefined && existing.partial === undefined) return
        // Being read already (shared with another index, or a cycle back to an ancestor): whoever
        // started it waits for it, and every load of a run is awaited before anything is counted.
        if (inFlight.has(child.digest)) return
        // Until read, a child counts with the size its descriptor states.
        if (existing === undefined) {
          graph.set({ digest: child.digest, size: child.size, blobs: [], manifests: [], partial: `${child.digest} was not read` })
        }
        await load(repository, child.digest, depth + 1, { mediaType: child.mediaType })
      }),
    )
  }

  function load(repository: string, digest: string, depth: number, inHand: ManifestInHand = {}): Promise<void> {
    const running = inFlight.get(digest)
    if (running !== undefined) return running
    const flight = loadNode(repository, digest, depth, inHand).finally(() => inFlight.delete(digest))
    inFlight.set(digest, flight)
    return flight
  }

  async function referrersOf(repository: string, digest: string): Promise<string[] | null> {
    const fetch = options.referrers
    if (fetch === undefined) return null
    if (options.referrersApi && !(await options.referrersApi(repository))) return null
    return descriptorsIn(await fetch(repository, digest))
  }

  return {
    load: (repository, digest, manifest = {}) => load(repository, digest, 0, manifest),
    async loadReferrers(repository, digest) {
      throwIfAborted()
      let found: string[] | null
      try {
        found = await referrersOf(repository, digest)
      } catch (error) {
        if (cancelled(error)) throw error
        return // a referrers answer that fails counts nothing extra; the image itself is counted
      }
      if (found === null || found.length === 0) return
      await Promise.all(found.map((referrer) => load(repository, referrer, 1)))
      graph.addReferrers(digest, found)
    },
  }
}

function nodeOf(digest: string, size: number, parsed: ParsedManifest): ManifestNode {
  if (parsed.kind === 'schema1') {
    return { digest, size, blobs: [], manifests: [], partial: `${digest} is a Docker schema 1 manifest, which states no layer sizes` }
  }
  if (parsed.kind === 'index') return { digest, size, blobs: [], manifests: parsed.manifests.map((entry) => entry.digest) }
  const blobs = [parsed.config, ...parsed.layers].map((descriptor) => ({ digest: descriptor.digest, size: descriptor.size }))
  return { digest, size, blobs, manifests: [] }
}

function descriptorsIn(bytes: Uint8Array | null): string[] | null {
  if (bytes === null) return null
  const parsed = parseManifest(bytes, null)
  if (parsed.kind !== 'index') return []
  return parsed.manifests.map((entry) => entry.digest).filter(isDigest)
}
