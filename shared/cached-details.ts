// Cached rows cross IPC packed by digest (see CachedTagDetails): these two pure functions pack them
// in the core and spell them out again in the renderer.
import type { CachedTagDetails, DigestDetails, TagDetails } from './types'

export function packCachedTagDetails(repository: string, rows: readonly TagDetails[]): CachedTagDetails {
  const tags: Record<string, string> = {}
  const byDigest = new Map<string, DigestDetails>()
  for (const { tag, ...details } of rows) {
    tags[tag] = details.digest
    if (!byDigest.has(details.digest)) byDigest.set(details.digest, details)
  }
  return { repository, tags, details: [...byDigest.values()] }
}

/** One row per tag whose digest has details; a tag naming a digest without details is left out. */
export function unpackCachedTagDetails(cached: CachedTagDetails): TagDetails[] {
  const byDigest = new Map(cached.details.map((details) => [details.digest, details]))
  const rows: TagDetails[] = []
  for (const [tag, digest] of Object.entries(cached.tags)) {
    const details = byDigest.get(digest)
    if (details !== undefined) rows.push({ ...details, tag })
  }
  return rows
}
