// Details for a page of tags: digest, kind, size, build date, platforms. A tag Berth has never seen
// costs one GET of its manifest by tag (digest and bytes at once); a tag with a digest hint from a
// previous run costs one HEAD that revalidates the hint, the manifest then coming from the digest
// cache. Docker Hub always gets HEADs (free there, GETs count as pulls: docs/registry-notes.md "Manifests").
// Config blobs come from the digest cache or one GET each. Rows stream out as they complete, and one
// broken tag is one error row.
import { toErrorData } from '../../shared/errors'
import type { Platform, TagDetails, TagDetailsResult } from '../../shared/types'
import { createBoundedPool } from '../http/bounded-pool'
import { createContentLoader, type ContentLoader } from './content-loader'
import { isDigest } from '../http/digest'
import type { DigestCache } from '../stores/cache/digest-cache'
import { classifyArtifact, type HelmChartFacts } from '../../shared/artifact-kind'
import {
  artifactTypeOf,
  isAttestationDescriptor,
  isHelmChartManifest,
  manifestFactsOf,
  maxChartConfigBytes,
  normalizeCreated,
  parseHelmChartConfig,
  parseImageConfig,
  type Descriptor,
  type ParsedManifest,
} from './manifest'
import { classifyReferrer } from './referrers'
import { tagIndexForCache, type RepositoryTagHints, type TagIndex } from '../stores/cache/tag-index'
import type { RegistryClient } from '../http/client-types'

/** Tags resolved at once, chosen by `npm run bench -- --sweep` (see README "Performance"). */
export const defaultTagDetailsConcurrency = 32

export interface TagDetailsOptions {
  /** Tags resolved at once. Default `defaultTagDetailsConcurrency`. */
  concurrency?: number
  cache?: DigestCache
  /**
   * Tag → digest hints that choose HEAD (hinted) or GET by tag (unknown). Default: the index stored
   * beside `cache` (memory only for a memory cache; none without a cache); null: no hints.
   */
  tagIndex?: TagIndex | null
  signal?: AbortSignal
  /** Called with each row as soon as it is known (the UI shows rows as they come). */
  onResult?: (result: TagDetailsResult) => void
  /**
   * 'await' (default): resolve once the cache and the hints are on disk, for a process that may
   * exit next (the CLI). 'background': leave them to the cache's and the hints' own timers, for the
   * app, which asks in many small batches and flushes both when it closes.
   */
  persist?: 'await' | 'background'
}

/** What describing a manifest reads: the network-backed loader, or the cache alone (cached-details.ts). */
export type ContentSource = Pick<ContentLoader, 'manifest' | 'configBlob'>

export const createdAnnotation = 'org.opencontainers.image.created'

export async function loadTagDetails(
  client: RegistryClient,
  repository: string,
  tags: string[],
  options: TagDetailsOptions = {},
): Promise<TagDetailsResult[]> {
  const loader = createContentLoader(client, options.cache, options.signal)
  const pool = createBoundedPool(options.concurrency ?? defaultTagDetailsConcurrency, options.signal)
  const index = options.tagIndex === undefined ? (options.cache ? tagIndexForCache(options.cache) : null) : options.tagIndex
  const hints = index ? await index.open(client.endpoint.host, repository) : undefined
  const emit = (result: TagDetailsResult): TagDetailsResult => {
    try {
      options.onResult?.(result)
    } catch {
      // A listener's bug must not turn into a failed row or a rejected call.
    }
    return result
  }
  const results = await Promise.all(
    tags.map((tag) =>
      pool
        .run(() => detailsForTag(loader, repository, tag, hints))
        .then(
          (details): TagDetailsResult => emit({ tag, ok: true, details }),
          (error: unknown): TagDetailsResult => emit({ tag, ok: false, error: toErrorData(error) }),
        ),
    ),
  )
  // Rows streamed through onResult as they came; by default the call itself resolves once the cache
  // and the hints are on disk, so a next process (or the next CLI call) finds them there.
  if (options.persist === 'background') hints?.saveSoon()
  else await Promise.all([loader.flush(), hints?.save()])
  return results
}

/**
 * Resolves `reference` (a tag or digest) and describes what it points at. The digest reported is
 * always the registry's answer to this call; `hints` only choose HEAD or GET and learn the answer.
 */
export async function detailsForTag(
  loader: ContentLoader,
  repository: string,
  reference: string,
  hints?: RepositoryTagHints,
): Promise<TagDetails> {
  const isTag = !isDigest(reference)
  let loaded: Awaited<ReturnType<ContentLoader['load']>>
  try {
    loaded = await loader.load(repository, reference, isTag ? hints?.get(reference) : undefined)
  } catch (error) {
    // A tag that is gone must not keep asking for HEADs as if it were known.
    if (isTag && toErrorData(error).code === 'not_found') hints?.forget(reference)
    throw error
  }
  if (isTag) hints?.set(reference, loaded.digest)
  const details = await describeManifest(loader, repository, reference, loaded.digest, loaded.manifest.parsed)
  if (isTag && hints && isWhole(details)) {
    const { tag: _tag, ...forDigest } = details
    hints.setDetails(forDigest)
  }
  return details
}

/** An index whose platforms could not all be read has no total: not worth showing again from cache. */
function isWhole(details: TagDetails): boolean {
  return details.kind !== 'index' || details.size !== null
}

export async function describeManifest(
  loader: ContentSource,
  repository: string,
  tag: string,
  digest: string,
  manifest: ParsedManifest,
): Promise<TagDetails> {
  if (manifest.kind === 'schema1') {
    return {
      ...base(tag, digest, manifest.mediaType, 'schema1'),
      sizeNote: 'Docker schema 1 manifest (deprecated): it records no layer sizes, so the size is unknown',
    }
  }
  if (manifest.kind === 'index') return describeIndex(loader, repository, tag, digest, manifest)

  const size = sumBlobs([manifest.config, ...manifest.layers])
  const artifactType = artifactTypeOf(manifest)
  const subject = manifest.subject ? { subject: manifest.subject.digest } : {}
  // The chart's name and appVersion are only in its config (Helm writes no annotations for them).
  const chart = isHelmChartManifest(manifest) ? await helmChartFacts(loader, repository, manifest.config) : undefined
  const artifact = classifyArtifact(manifestFactsOf(manifest, chart))
  if (artifactType !== null) {
    const created = normalizeCreated(manifest.annotations[createdAnnotation])
    return {
      ...base(tag, digest, manifest.mediaType, 'artifact'),
      artifact,
      ...subject,
      configDigest: manifest.config.digest,
      size,
      sizeNote: 'artifact: config + layers',
      created,
      createdSource: created ? 'annotation' : 'unknown',
      artifactType,
    }
  }
  const config = parseImageConfig(await loader.configBlob(repository, manifest.config.digest))
  const dated = dateOf(config.created, manifest.annotations)
  return {
    ...base(tag, digest, manifest.mediaType, 'image'),
    artifact,
    ...subject,
    configDigest: manifest.config.digest,
    size,
    sizeNote: 'compressed layers + config',
    ...dated,
    ...(config.os && config.architecture
      ? { platform: { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) } }
      : {}),
  }
}

/**
 * A chart's config from the digest cache or one small GET, like an image's. A config larger than
 * any Chart.yaml is not fetched: the chart's facts stay unknown.
 */
async function helmChartFacts(loader: ContentSource, repository: string, config: Descriptor): Promise<HelmChartFacts | null> {
  if (config.size > maxChartConfigBytes) return null
  return parseHelmChartConfig(await loader.configBlob(repository, config.digest))
}

async function describeIndex(
  loader: ContentSource,
  repository: string,
  tag: string,
  digest: string,
  index: Extract<ParsedManifest, { kind: 'index' }>,
): Promise<TagDetails> {
  const children = index.manifests.filter((d) => !isAttestationDescriptor(d))
  const attestations = index.manifests.length - children.length
  const described = await Promise.all(children.map((child) => describeChild(loader, repository, child)))

  const union = new Map<string, number>()
  let newest: string | null = null
  let missing = 0
  for (const child of described) {
    if (!child.blobs) {
      missing++
      continue
    }
    for (const blob of child.blobs) union.set(blob.digest, blob.size)
    if (child.created && (newest === null || child.created > newest)) newest = child.created
  }
  const total = missing > 0 ? null : [...union.values()].reduce((a, b) => a + b, 0)
  const parts = [
    `compressed layers + config`,
    `${children.length} platform${children.length === 1 ? '' : 's'}`,
    'shared layers counted once',
  ]
  if (attestations > 0) parts.push(`${attestations} attestation${attestations === 1 ? '' : 's'} excluded`)
  if (missing > 0) parts.push(`${missing} platform${missing === 1 ? '' : 's'} could not be read, so no total`)
  const dated = newest ? { created: newest, createdSource: 'config' as const } : dateOf(null, index.annotations)
  return {
    ...base(tag, digest, index.mediaType, 'index'),
    size: total,
    sizeNote: parts.join(', '),
    ...dated,
    platforms: described.map((c) => c.platform),
    attestations,
    artifactType: index.artifactType,
    artifact: classifyArtifact(manifestFactsOf(index)),
    ...(index.subject ? { subject: index.subject.digest } : {}),
    ...referrerEntriesOf(index.manifests),
  }
}

/**
 * The referrers tag schema's index lists artifacts, each with its artifactType (distribution-spec
 * 1.1 "Referrers Tag Schema"); platform images never carry one. Their kinds feed the subject's badge.
 */
function referrerEntriesOf(entries: Descriptor[]): Pick<TagDetails, 'referrerEntries'> {
  if (entries.length === 0 || !entries.every((d) => d.artifactType !== undefined)) return {}
  const kindOf = (d: Descriptor) => classifyReferrer(d.artifactType ?? null, d.annotations ?? {})
  return { referrerEntries: entries.map((d) => ({ digest: d.digest, kind: kindOf(d) })) }
}

interface DescribedChild {
  platform: Platform
  /** Distinct blobs (config + layers) of the child image; null when it could not be read. */
  blobs: Descriptor[] | null
  created: string | null
}

async function describeChild(loader: ContentSource, repository: string, descriptor: Descriptor): Promise<DescribedChild> {
  const platform: Platform = {
    os: descriptor.platform?.os ?? 'unknown',
    architecture: descriptor.platform?.architecture ?? 'unknown',
    ...(descriptor.platform?.variant !== undefined ? { variant: descriptor.platform.variant } : {}),
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    size: null,
  }
  try {
    const child = await loader.manifest(repository, descriptor.digest, descriptor.mediaType)
    if (child.parsed.kind !== 'image') return { platform, blobs: null, created: null }
    const blobs = distinct([child.parsed.config, ...child.parsed.layers])
    platform.size = sumBlobs(blobs)
    let created: string | null = null
    if (artifactTypeOf(child.parsed) === null) {
      const config = parseImageConfig(await loader.configBlob(repository, child.parsed.config.digest))
      created = config.created
      // Descriptors without a platform (allowed by the spec) borrow it from the config.
      if (!descriptor.platform) {
        platform.os = config.os ?? 'unknown'
        platform.architecture = config.architecture ?? 'unknown'
        if (config.variant !== undefined) platform.variant = config.variant
      }
    }
    return { platform, blobs, created }
  } catch (error) {
    // One unreadable platform (a partial mirror) leaves the others visible; a cancel is still a cancel.
    if (toErrorData(error).code === 'cancelled') throw error
    return { platform, blobs: null, created: null }
  }
}

function base(tag: string, digest: string, mediaType: string, kind: TagDetails['kind']): TagDetails {
  return {
    tag,
    digest,
    mediaType,
    kind,
    configDigest: null,
    size: null,
    sizeNote: '',
    created: null,
    createdSource: 'unknown',
    platforms: [],
    attestations: 0,
    artifactType: null,
  }
}

/** Config `created` first (build time; epoch 0 already means unknown), else the OCI annotation. */
function dateOf(configCreated: string | null, annotations: Record<string, string>): Pick<TagDetails, 'created' | 'createdSource'> {
  if (configCreated) return { created: configCreated, createdSource: 'config' }
  const annotated = normalizeCreated(annotations[createdAnnotation])
  return annotated ? { created: annotated, createdSource: 'annotation' } : { created: null, createdSource: 'unknown' }
}

function distinct(blobs: Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>()
  for (const blob of blobs) if (!seen.has(blob.digest)) seen.set(blob.digest, blob)
  return [...seen.values()]
}

/** Σ sizes with each digest counted once (a layer listed twice is stored once). */
export function sumBlobs(blobs: Descriptor[]): number {
  return distinct(blobs).reduce((total, b) => total + b.size, 0)
}
