// When each image of a repository's usage came to be, for the storage view's "size over time": the
// push date where the registry's own API gave one (GitLab, Docker Hub: kept with the tag details),
// else the build date in the image's config (an index: its newest platform). Usage itself reads
// manifests only (issue 21: configs are never needed for their size), so by default a date comes
// only from what Berth already holds — the details kept beside the tag hints, or configs in the
// digest cache — at no request. `dates` (the app's repository view, `berth du --tags --dates`) reads
// the missing configs too: one GET per distinct config, cached like every other blob Berth reads.
import type { TagDateSource } from '../../shared/usage'
import type { DigestDetails } from '../../shared/types'
import { parseManifest } from '../operations/manifest'
import { describeManifest, type ContentSource } from '../operations/tag-details'
import type { UsageGraph } from '../operations/usage-graph'
import type { RepositoryTagHints } from '../stores/cache/tag-index'
import type { UsageRun } from './usage-run'

export interface ImageDate {
  date: string
  source: TagDateSource
}

/**
 * Dates found per digest, kept as long as the session's graph: content at a digest never changes,
 * so neither does its build date. Push dates are kept too (a re-push makes a new digest only when
 * the content changes; GitLab reports the newest push of a tag, close enough for a picture).
 */
const known = new WeakMap<UsageGraph, Map<string, ImageDate>>()
/**
 * Digests found without a date Berth holds, so a run that may not fetch does not look again (the
 * bench's 10,000-tag repository: 1,000 images checked on every run). A run that fetches ignores it.
 */
const undatedInCache = new WeakMap<UsageGraph, Set<string>>()

export function dateOfDetails(details: Pick<DigestDetails, 'pushed' | 'created'> | undefined): ImageDate | null {
  if (details?.pushed) return { date: details.pushed, source: 'pushed' }
  if (details?.created) return { date: details.created, source: 'built' }
  return null
}

/**
 * A date for each distinct digest of `tagDigests` that has one. `fetch`: read configs Berth does not
 * hold (through the run's request pool); otherwise only what is cached. Never throws but for a cancel:
 * an image without a date is left out of the picture, not an error.
 */
export async function imageDates(
  run: UsageRun,
  repository: string,
  tagDigests: ReadonlyMap<string, string>,
  fetch: boolean,
): Promise<Map<string, ImageDate>> {
  const graph = run.context.graph
  let memo = known.get(graph)
  if (memo === undefined) known.set(graph, (memo = new Map<string, ImageDate>()))
  let undated = undatedInCache.get(graph)
  if (undated === undefined) undatedInCache.set(graph, (undated = new Set<string>()))
  const hints = await run.hints(repository)
  const found = new Map<string, ImageDate>()
  const missing: string[] = []
  for (const digest of new Set(tagDigests.values())) {
    const date = memo.get(digest) ?? dateOfDetails(hints.details(digest))
    if (date !== null) {
      found.set(digest, date)
      memo.set(digest, date)
    } else if (fetch || !undated.has(digest)) missing.push(digest)
  }
  if (missing.length === 0) return found
  const derived = await Promise.all(
    missing.map(async (digest) => {
      if (!fetch && !(await configsCached(run, graph, digest))) return null
      const describe = (): Promise<ImageDate | null> => describeDate(run, repository, digest, hints, fetch)
      return fetch ? run.pool.run(describe) : describe()
    }),
  )
  missing.forEach((digest, i) => {
    const date = derived[i]
    if (!date) {
      if (!fetch) undated.add(digest)
      return
    }
    undated.delete(digest)
    found.set(digest, date)
    memo.set(digest, date)
  })
  return found
}

async function describeDate(
  run: UsageRun,
  repository: string,
  digest: string,
  hints: RepositoryTagHints,
  fetch: boolean,
): Promise<ImageDate | null> {
  const source: ContentSource = fetch ? run.content : cacheOnly(run)
  try {
    const manifest = await source.manifest(repository, digest)
    const details = await describeManifest(source, repository, '', digest, manifest.parsed)
    const { tag: _tag, ...forDigest } = details
    // Derived from verified content: the tag table shows it from the cache next time too.
    if (details.created !== null) hints.setDetails(forDigest)
    return dateOfDetails(details)
  } catch {
    run.throwIfCancelled()
    return null // a config that cannot be read leaves the image undated; its bytes are counted all the same
  }
}

/** Whether every config the image needs for its date is in the digest cache (a cheap check first). */
async function configsCached(run: UsageRun, graph: UsageGraph, digest: string): Promise<boolean> {
  const node = graph.get(digest)
  if (node === undefined || node.partial !== undefined) return false
  const images = node.manifests.length > 0 ? node.manifests.map((child) => graph.get(child)) : [node]
  for (const image of images) {
    const config = image?.blobs[0]
    if (image === undefined || config === undefined) return false
    if ((await run.context.cache.get(config.digest)) === null) return false
  }
  return true
}

function cacheOnly(run: UsageRun): ContentSource {
  const { cache } = run.context
  const read = async (digest: string): Promise<Uint8Array> => {
    const bytes = await cache.get(digest)
    if (bytes === null) throw new Error(`${digest} is not in the local cache`)
    return bytes
  }
  return {
    async manifest(_repository, digest, mediaTypeHint) {
      const bytes = await read(digest)
      return { digest, bytes, parsed: parseManifest(bytes, mediaTypeHint ?? null) }
    },
    configBlob: (_repository, digest) => read(digest),
  }
}
