// What a manifest holds on the registry's disk, as a graph of digests: each manifest node names its
// own byte length, the blobs it lists (config and layers: their sizes are in the manifest, so they
// are never fetched) and the manifests it references (an index's platform and attestation manifests,
// referrers found for it). Every count walks this graph and counts each digest once, because that is
// how a registry stores content: one blob per digest, whoever references it (docs/registry-notes.md
// "Manifests": no spec defines an image's size; here it is what the registry keeps).
//
// Pure and synchronous: the graph is filled by usage-loader.ts, and the counts over 10,000 tags take
// milliseconds (closures are memoised per manifest, reference counts are per distinct digest).

export interface ManifestNode {
  digest: string
  /** The manifest's own byte length, as stored. */
  size: number
  /** Config and layers, with the sizes the manifest states. */
  blobs: readonly { digest: string; size: number }[]
  /** Manifests this one references: an index's entries; referrers found for it. */
  manifests: readonly string[]
  /**
   * Why the node's blobs are not all known (its manifest could not be read, or is Docker schema 1,
   * which states no layer sizes): counted with what is known, the result is marked incomplete.
   */
  partial?: string
}

export interface UsageGraph {
  /** The node at `digest`, if loaded. */
  get(digest: string): ManifestNode | undefined
  set(node: ManifestNode): void
  /** The referrers the registry lists for `subject` now (replacing what an earlier run found). */
  addReferrers(subject: string, referrers: readonly string[]): void
  /** The size of any digest in the graph (a manifest's length, a blob's stated size). */
  sizeOf(digest: string): number
  /**
   * Every digest `root` reaches, itself included, each once (memoised). A manifest not in the graph
   * counts as itself alone, and makes `isPartial(root)` true.
   */
  closure(root: string): readonly string[]
  /** Whether anything under `root` is missing or only partly known. */
  isPartial(root: string): boolean
  /** Nodes held (for memory bounds). */
  readonly size: number
}

export function createUsageGraph(): UsageGraph {
  const nodes = new Map<string, ManifestNode>()
  const sizes = new Map<string, number>()
  const closures = new Map<string, readonly string[]>()
  const partial = new Map<string, boolean>()
  const referrersOf = new Map<string, readonly string[]>()
  const invalidate = (): void => {
    closures.clear()
    partial.clear()
  }

  function closure(root: string, visiting: Set<string>): readonly string[] {
    const known = closures.get(root)
    if (known !== undefined) return known
    const node = nodes.get(root)
    if (node === undefined) return [root]
    // A referrer whose subject refers back (or any cycle a hostile registry builds) ends here.
    if (visiting.has(root)) return [root]
    visiting.add(root)
    const seen = new Set<string>([root])
    let incomplete = node.partial !== undefined
    for (const blob of node.blobs) seen.add(blob.digest)
    for (const child of [...node.manifests, ...(referrersOf.get(root) ?? [])]) {
      if (!nodes.has(child)) incomplete = true
      for (const digest of closure(child, visiting)) seen.add(digest)
      if (partial.get(child) === true) incomplete = true
    }
    visiting.delete(root)
    const result = [...seen]
    closures.set(root, result)
    partial.set(root, incomplete)
    return result
  }

  return {
    get: (digest) => nodes.get(digest),
    set(node) {
      // Content at a digest never changes; a node read again (a missing child found later) replaces it.
      const previous = nodes.get(node.digest)
      nodes.set(node.digest, node)
      sizes.set(node.digest, node.size)
      for (const blob of node.blobs) if (!sizes.has(blob.digest)) sizes.set(blob.digest, blob.size)
      // Closures that included the old node (or its absence) are stale.
      if (previous !== undefined || closures.size > 0) invalidate()
    },
    addReferrers(subject, referrers) {
      referrersOf.set(subject, [...referrers])
      invalidate()
    },
    sizeOf: (digest) => sizes.get(digest) ?? 0,
    closure: (root) => closure(root, new Set()),
    isPartial(root) {
      closure(root, new Set())
      return partial.get(root) ?? !nodes.has(root)
    },
    get size() {
      return nodes.size
    },
  }
}

export interface TagUsageCount {
  tag: string
  digest: string
  bytes: number
  uniqueBytes: number
  sharedBytes: number
}

export interface RepositoryCount {
  totalBytes: number
  /** Distinct digests reached. */
  blobs: number
  /** In the order of `tagDigests`. */
  tags: TagUsageCount[]
  /** Every digest the tags reach. */
  reached: Set<string>
  incomplete: boolean
}

/**
 * Per tag: what it reaches (`bytes`), what no other tag of the repository reaches (`uniqueBytes`)
 * and the rest (`sharedBytes`); and the repository's total, each digest once. Tags on one digest
 * share everything: neither frees anything alone.
 */
export function countRepository(graph: UsageGraph, tagDigests: ReadonlyMap<string, string>): RepositoryCount {
  const tagsByRoot = new Map<string, number>()
  for (const digest of tagDigests.values()) tagsByRoot.set(digest, (tagsByRoot.get(digest) ?? 0) + 1)
  // How many tags reach each digest: a digest reached by one tag only is that tag's alone.
  const reachedBy = new Map<string, number>()
  for (const [root, tags] of tagsByRoot) {
    for (const digest of graph.closure(root)) reachedBy.set(digest, (reachedBy.get(digest) ?? 0) + tags)
  }
  const perRoot = new Map<string, { bytes: number; uniqueBytes: number }>()
  let incomplete = false
  for (const root of tagsByRoot.keys()) {
    let bytes = 0
    let uniqueBytes = 0
    for (const digest of graph.closure(root)) {
      const size = graph.sizeOf(digest)
      bytes += size
      if (reachedBy.get(digest) === 1) uniqueBytes += size
    }
    perRoot.set(root, { bytes, uniqueBytes })
    if (graph.isPartial(root)) incomplete = true
  }
  let totalBytes = 0
  for (const digest of reachedBy.keys()) totalBytes += graph.sizeOf(digest)
  const tags: TagUsageCount[] = []
  for (const [tag, digest] of tagDigests) {
    const counted = perRoot.get(digest) ?? { bytes: 0, uniqueBytes: 0 }
    tags.push({ tag, digest, bytes: counted.bytes, uniqueBytes: counted.uniqueBytes, sharedBytes: counted.bytes - counted.uniqueBytes })
  }
  return { totalBytes, blobs: reachedBy.size, tags, reached: new Set(reachedBy.keys()), incomplete }
}

/** Every digest the roots reach, each once. */
export function reachFrom(graph: UsageGraph, roots: Iterable<string>): Set<string> {
  const reached = new Set<string>()
  const done = new Set<string>()
  for (const root of roots) {
    if (done.has(root)) continue
    done.add(root)
    for (const digest of graph.closure(root)) reached.add(digest)
  }
  return reached
}

export function bytesOf(graph: UsageGraph, digests: Iterable<string>): number {
  let total = 0
  for (const digest of digests) total += graph.sizeOf(digest)
  return total
}

export interface DeletionCount {
  freesBytes: number
  keptBytes: number
  keptByOthersBytes: number
  /** Whether anything that goes, or anything that stays, is only partly known. */
  incomplete: boolean
}

/**
 * What deleting `going` (manifest roots that lose their last reference) frees once garbage collection
 * has run: the digests they reach that nothing in `staying` (roots that keep a reference) reaches,
 * nor `keptElsewhere` (digests other repositories use). The rest is kept; what only `keptElsewhere`
 * keeps is reported apart.
 */
export function countDeletion(
  graph: UsageGraph,
  going: Iterable<string>,
  staying: Iterable<string>,
  keptElsewhere: ReadonlySet<string> = new Set(),
): DeletionCount {
  const goingRoots = [...new Set(going)]
  const stayingRoots = [...new Set(staying)]
  const affected = reachFrom(graph, goingRoots)
  const kept = reachFrom(graph, stayingRoots)
  let freesBytes = 0
  let keptBytes = 0
  let keptByOthersBytes = 0
  for (const digest of affected) {
    const size = graph.sizeOf(digest)
    if (kept.has(digest)) keptBytes += size
    else if (keptElsewhere.has(digest)) {
      keptBytes += size
      keptByOthersBytes += size
    } else freesBytes += size
  }
  const incomplete = goingRoots.some((root) => graph.isPartial(root)) || stayingRoots.some((root) => graph.isPartial(root))
  return { freesBytes, keptBytes, keptByOthersBytes, incomplete }
}
