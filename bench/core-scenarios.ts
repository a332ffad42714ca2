// The Berth-core measurements (scenarios 1, 2's cold half, 4 and 5): the same calls the app makes
// (createRegistryClient → listTags → loadTagDetails with a digest cache), a fresh client and, when
// cold, a fresh empty cache directory for every repetition, so no connection, token or cached
// manifest carries over.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TagDetailsResult } from '../shared/types'
import { compareTagNames } from '../shared/tag-sort'
import { cachedTagDetails } from '../electron/operations/cached-details'
import { unpackCachedTagDetails } from '../shared/cached-details'
import { createDigestCache } from '../electron/stores/cache/digest-cache'
import { parseRegistryAddress } from '../electron/http/reference'
import { createRegistryClient } from '../electron/http/registry-client'
import { loadTagDetails } from '../electron/operations/tag-details'
import type { RegistryClient } from '../electron/http/client-types'
import { elapsedMs } from './stats'

export interface CoreTarget {
  /** https://127.0.0.1:<port>: the registry itself or the latency proxy in front of it. */
  url: string
  caPem: string
  username: string
  password: string
  repository: string
}

export interface DetailsTiming {
  /** The tags/list request (including the token round trips of the first request). */
  listMs: number
  /** loadTagDetails for every asked tag. */
  detailsMs: number
  /** listTags start → last row. */
  totalMs: number
  tags: number
  ok: number
  failed: number
  /** Rows with digest, size and date all known. */
  complete: number
  firstError?: string
}

export function berthClient(target: CoreTarget, concurrency: number): RegistryClient {
  return createRegistryClient({
    endpoint: parseRegistryAddress(target.url),
    trust: { caPems: [target.caPem] },
    credentials: () => Promise.resolve({ kind: 'basic', username: target.username, password: target.password }),
    // As electron/session/engine.ts does: one connection per concurrent tag.
    maxConnections: concurrency,
  })
}

/** A fresh, empty cache directory under `parent` (the system temp dir by default). */
export function newCacheDirectory(parent = tmpdir()): Promise<string> {
  return mkdtemp(join(parent, 'cache-'))
}

function tally(results: TagDetailsResult[]): Pick<DetailsTiming, 'ok' | 'failed' | 'complete' | 'firstError'> {
  let ok = 0
  let complete = 0
  let firstError: string | undefined
  for (const r of results) {
    if (r.ok) {
      ok++
      if (r.details.digest && r.details.size !== null && r.details.created !== null) complete++
    } else {
      firstError ??= `${r.tag}: ${r.error.code}: ${r.error.message}`
    }
  }
  return { ok, failed: results.length - ok, complete, ...(firstError !== undefined ? { firstError } : {}) }
}

/**
 * listTags + loadTagDetails for `limit` tags (all when omitted) of the name-sorted list, with a
 * cache in `cacheDirectory` (fresh and empty = cold). Timed from the start of listTags.
 */
export async function timeDetails(
  target: CoreTarget,
  options: { concurrency: number; cacheDirectory: string; limit?: number },
): Promise<DetailsTiming> {
  const client = berthClient(target, options.concurrency)
  const cache = createDigestCache({ directory: options.cacheDirectory })
  try {
    const start = performance.now()
    const tags = (await client.listTags(target.repository)).sort(compareTagNames)
    const listMs = elapsedMs(start)
    const asked = options.limit === undefined ? tags : tags.slice(0, options.limit)
    const detailsStart = performance.now()
    const results = await loadTagDetails(client, target.repository, asked, { cache, concurrency: options.concurrency })
    const detailsMs = elapsedMs(detailsStart)
    return { listMs, detailsMs, totalMs: elapsedMs(start), tags: asked.length, ...tally(results) }
  } finally {
    await client.close()
  }
}

export interface WarmTiming extends DetailsTiming {
  /** cachedTagDetails alone (run beside the tag list, as the app does): the rows shown at once. */
  cachedMs: number
  /** Listed tags that got a cached row. */
  cachedRows: number
  /** Cached rows whose digest the registry then confirmed (the rest were corrected). */
  cachedConfirmed: number
}

/**
 * Scenario 2 as the app runs it on opening a repository it has seen: the tag list and the cached
 * rows at once (the rows are on screen when both are in), then every tag verified with the registry.
 */
export async function timeWarm(target: CoreTarget, options: { concurrency: number; cacheDirectory: string }): Promise<WarmTiming> {
  const client = berthClient(target, options.concurrency)
  const cache = createDigestCache({ directory: options.cacheDirectory })
  try {
    const start = performance.now()
    const listing = client.listTags(target.repository).then((tags) => ({ tags: tags.sort(compareTagNames), ms: elapsedMs(start) }))
    const cached = cachedTagDetails(cache, client.endpoint.host, target.repository).then((packed) => ({
      rows: unpackCachedTagDetails(packed),
      ms: elapsedMs(start),
    }))
    const [{ tags, ms: listMs }, { rows, ms: cachedMs }] = await Promise.all([listing, cached])
    const listed = new Set(tags)
    const cachedDigests = new Map(rows.filter((row) => listed.has(row.tag)).map((row) => [row.tag, row.digest]))
    const detailsStart = performance.now()
    const results = await loadTagDetails(client, target.repository, tags, { cache, concurrency: options.concurrency })
    const detailsMs = elapsedMs(detailsStart)
    const cachedConfirmed = results.filter((r) => r.ok && cachedDigests.get(r.tag) === r.details.digest).length
    return {
      listMs,
      cachedMs,
      cachedRows: cachedDigests.size,
      cachedConfirmed,
      detailsMs,
      totalMs: elapsedMs(start),
      tags: tags.length,
      ...tally(results),
    }
  } finally {
    await client.close()
  }
}

/** Cold: a fresh client and a fresh empty cache directory. Returns the directory for a warm run. */
export async function timeCold(
  target: CoreTarget,
  options: { concurrency: number; limit?: number; parent?: string },
): Promise<DetailsTiming & { cacheDirectory: string }> {
  const cacheDirectory = await newCacheDirectory(options.parent)
  const { concurrency, limit } = options
  const timing = await timeDetails(target, { concurrency, cacheDirectory, ...(limit !== undefined ? { limit } : {}) })
  return { ...timing, cacheDirectory }
}
