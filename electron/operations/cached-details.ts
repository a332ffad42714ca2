// What Berth can show for a repository before the registry answers: for each tag, the digest it had
// when last verified (the tag hints) and the details of the content at that digest, as kept beside
// the hints or derived from the digest cache alone. Content at a digest never changes, so the
// details are exactly right for that digest; what may be stale is the tag → digest mapping, which
// is why callers show these rows as "checking" until getTagDetails verifies each tag (one HEAD when
// it has not moved).
import type { CachedTagDetails, DigestDetails, TagDetails } from '../../shared/types'
import type { DigestCache } from '../stores/cache/digest-cache'
import { parseManifest } from './manifest'
import { describeManifest, type ContentSource } from './tag-details'
import { tagIndexForCache, type TagIndex } from '../stores/cache/tag-index'

/** A ContentSource that never goes to the network, and counts what it could not find. */
function cacheOnlySource(cache: DigestCache): ContentSource & { misses: number } {
  const source = {
    misses: 0,
    async manifest(_repository: string, digest: string, mediaTypeHint?: string) {
      const bytes = await cache.get(digest)
      if (bytes === null) {
        source.misses++
        throw new Error(`${digest} is not in the local cache`)
      }
      return { digest, bytes, parsed: parseManifest(bytes, mediaTypeHint ?? null) }
    },
    async configBlob(_repository: string, digest: string) {
      const bytes = await cache.get(digest)
      if (bytes === null) {
        source.misses++
        throw new Error(`${digest} is not in the local cache`)
      }
      return bytes
    },
  }
  return source
}

/**
 * Details for every tag of `repository` whose last verified digest and content are cached, without
 * a request, packed by digest as they cross IPC. A tag whose details would need anything uncached (a
 * platform manifest of an index, a config) is left out rather than shown incomplete: getTagDetails
 * will answer for it.
 */
export async function cachedTagDetails(
  cache: DigestCache,
  host: string,
  repository: string,
  index: TagIndex = tagIndexForCache(cache),
): Promise<CachedTagDetails> {
  const hints = await index.open(host, repository)
  const tags: Record<string, string> = {}
  const details = new Map<string, DigestDetails>()
  const toDerive: [string, string][] = []
  for (const [tag, digest] of hints.entries()) {
    // The details kept with the hints first (one small object per digest), else derived from cached content.
    const kept = details.get(digest) ?? hints.details(digest)
    if (kept === undefined) {
      toDerive.push([tag, digest])
      continue
    }
    tags[tag] = digest
    details.set(digest, kept)
  }
  const derived = await Promise.all(
    toDerive.map(async ([tag, digest]): Promise<TagDetails | null> => {
      const source = cacheOnlySource(cache)
      try {
        const manifest = await source.manifest(repository, digest)
        const row = await describeManifest(source, repository, tag, digest, manifest.parsed)
        return source.misses === 0 ? row : null
      } catch {
        return null // not cached, or cached content that no longer parses: the registry will say
      }
    }),
  )
  for (const row of derived) {
    if (row === null) continue
    const { tag, ...forDigest } = row
    tags[tag] = row.digest
    if (!details.has(row.digest)) details.set(row.digest, forDigest)
  }
  return { repository, tags, details: [...details.values()] }
}
