// Copying images (issue 20): the plan a dry run shows, the progress a running copy reports and the
// result it ends with, shared by the session (which computes them), the CLI (which prints them, and
// its --json is exactly these shapes) and the app's dialogs (planCopy, startCopy, copyProgress and
// copyFinished in shared/ipc.ts). Pure: no Node, no zod.
import type { BerthErrorData } from './errors'
import { compileTagFilter } from './tag-sort'
import { isValidTagName } from './tag-name'

/** `linux/amd64`, `linux/arm64/v8`: what --platform and the dialogs accept. */
export const platformPattern = /^[a-z0-9][a-z0-9._-]{0,31}\/[a-z0-9][a-z0-9._-]{0,31}(?:\/[a-z0-9][a-z0-9._-]{0,31})?$/i

export interface PlatformSelector {
  os: string
  architecture: string
  variant?: string
}

/** `os/arch[/variant]` → a selector, or null when the text is not one. */
export function parsePlatform(text: string): PlatformSelector | null {
  const trimmed = text.trim()
  if (!platformPattern.test(trimmed)) return null
  const [os = '', architecture = '', variant] = trimmed.toLowerCase().split('/')
  return variant === undefined ? { os, architecture } : { os, architecture, variant }
}

/** A platform matches a selector on os and architecture, and on the variant when the selector names one. */
export function platformMatches(
  platform: { os: string; architecture: string; variant?: string | undefined },
  selector: PlatformSelector,
): boolean {
  if (platform.os.toLowerCase() !== selector.os || platform.architecture.toLowerCase() !== selector.architecture) return false
  return selector.variant === undefined || (platform.variant ?? '').toLowerCase() === selector.variant
}

/**
 * How the copy reaches the destination: `retag` writes the manifest under new tags in the same
 * repository (no blob moves), `same-registry` mounts blobs across repositories, `cross-registry`
 * streams them from one registry to the other.
 */
export type CopyMode = 'retag' | 'same-registry' | 'cross-registry'

/** What happens to one destination tag: created, already there, moved (only with force), or refused. */
export type CopyTagAction = 'create' | 'unchanged' | 'overwrite' | 'conflict'

export interface CopyPlanTag {
  tag: string
  /** The digest the tag points at on the destination now; null when it does not exist. */
  current: string | null
  action: CopyTagAction
}

export type CopyManifestRole = 'index' | 'image' | 'attestation' | 'referrer'

export interface CopyPlanManifest {
  digest: string
  mediaType: string
  size: number
  role: CopyManifestRole
  /** `linux/arm64/v8` for a platform image; null otherwise. */
  platform: string | null
  /** Already at the destination (by digest): nothing of it is sent. */
  present: boolean
}

/** `present`: the destination has it; `mount`: same registry, linked from the source repository; `missing`: sent. */
export type CopyBlobState = 'present' | 'mount' | 'missing'

export interface CopyPlanBlob {
  digest: string
  size: number
  mediaType: string
  state: CopyBlobState
}

export interface CopyPlanReferrer {
  digest: string
  /** The manifest it refers to (a digest that is copied too). */
  subject: string
  kind: 'signature' | 'attestation' | 'sbom' | 'other'
  artifactType: string | null
  /** How it was found at the source; cosign-tag referrers are written under the same tag. */
  source: 'api' | 'tag-schema' | 'cosign-tag'
  /** Tags written for it at the destination (`sha256-<hex>.sig`…), each with its own check. */
  tags: CopyPlanTag[]
}

export interface CopyPlanItem {
  /** The tag or digest given for the source. */
  reference: string
  sourceDigest: string
  mediaType: string
  /** Equals sourceDigest unless a platform subset makes a new index. */
  destinationDigest: string
  /** True when a platform subset was chosen: the destination gets a new index with another digest. */
  digestChanges: boolean
  /** Platforms copied (`linux/amd64`…), and those left out by the selection. */
  platforms: string[]
  droppedPlatforms: string[]
  tags: CopyPlanTag[]
  manifests: CopyPlanManifest[]
  blobs: CopyPlanBlob[]
  referrers: CopyPlanReferrer[]
  bytes: {
    /** Every blob of the image, counted once. */
    total: number
    present: number
    /** Same registry: linked by a mount, not sent. */
    mount: number
    /** Sent over the network. */
    missing: number
  }
  /** False when a tag conflicts (and force was not given): nothing of this item is written. */
  writable: boolean
  /** Things the user should know ("the index's own signature is not copied: a subset has another digest"). */
  notes: string[]
}

export interface CopyEndpointView {
  /** host[:port] */
  registry: string
  repository: string
}

export interface CopyPlan {
  mode: CopyMode
  source: CopyEndpointView
  destination: CopyEndpointView
  items: CopyPlanItem[]
  /** Source tags a sync left out, and why ("older than 30d", "no build date known"). */
  skipped: { reference: string; reason: string }[]
  totals: {
    items: number
    manifests: number
    blobs: number
    blobsMissing: number
    bytesMissing: number
    bytesMount: number
    conflicts: number
  }
}

export type CopyPhase = 'planning' | 'blobs' | 'manifests' | 'tags' | 'done'

export interface CopyProgress {
  phase: CopyPhase
  /** The item being worked on (its source reference), and how many of how many are finished. */
  item: string | null
  itemsDone: number
  itemsTotal: number
  blobsDone: number
  blobsTotal: number
  /** Bytes sent to the destination so far (mounted and present blobs are not counted). */
  bytesDone: number
  bytesTotal: number
  /** Over the last few seconds. */
  bytesPerSecond: number
  /** Blobs in flight now (digests). */
  active: string[]
}

export type CopyTagStatus = 'written' | 'unchanged' | 'refused' | 'not-written'

export interface CopyItemResult {
  reference: string
  sourceDigest: string | null
  destinationDigest: string | null
  status: 'copied' | 'up-to-date' | 'conflict' | 'failed' | 'cancelled'
  tags: { tag: string; previous: string | null; status: CopyTagStatus }[]
  blobs: { uploaded: number; mounted: number; present: number; resumed: number }
  bytesUploaded: number
  /** The destination's digest was checked against the source's (by the registry's answer to each push). */
  verified: boolean
  /** Why the item failed or was refused; names the step, the blob and the registry. */
  error?: BerthErrorData
}

export interface CopyResult {
  mode: CopyMode
  source: CopyEndpointView
  destination: CopyEndpointView
  items: CopyItemResult[]
  skipped: { reference: string; reason: string }[]
  /** True when every item was copied or already up to date. */
  complete: boolean
  totals: { copied: number; upToDate: number; failed: number; bytesUploaded: number; seconds: number }
}

/** The tags a referrer copy writes under cosign's scheme: `sha256-<hex>.sig|.att|.sbom`. */
export const cosignTagPattern = /^sha(256|512)-[0-9a-f]{64,128}\.(sig|att|sbom)$/

/** The OCI referrers tag schema (`sha256-<hex>`): an index of a subject's referrers kept by clients. */
export const referrersTagPattern = /^sha(256|512)-[0-9a-f]{64,128}$/

/**
 * The source tags a sync takes before their age is known: those the pattern matches (a
 * case-insensitive regular expression, anywhere in the tag), without the referrer tags when referrers
 * travel with their subjects, and valid tag names only. The engine plans from it and the app's
 * mirror dialog counts with it, so the count it shows is the set the plan starts from.
 */
export function syncTagSelection(
  tags: readonly string[],
  options: { tagPattern?: string | undefined; referrers?: boolean | undefined },
): { ok: true; tags: string[]; skipped: { reference: string; reason: string }[] } | { ok: false; error: string } {
  let kept = [...tags]
  if (options.tagPattern !== undefined && options.tagPattern !== '') {
    const filter = compileTagFilter(options.tagPattern, 'regex')
    if (!filter.ok) return { ok: false, error: filter.error }
    kept = kept.filter((tag) => filter.test(tag))
  }
  if (options.referrers === true) kept = kept.filter((tag) => !cosignTagPattern.test(tag) && !referrersTagPattern.test(tag))
  const skipped: { reference: string; reason: string }[] = []
  kept = kept.filter((tag) => {
    if (isValidTagName(tag)) return true
    skipped.push({ reference: tag, reason: 'not a valid tag name' })
    return false
  })
  return { ok: true, tags: kept, skipped }
}
