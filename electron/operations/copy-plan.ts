// What copying one source reference involves, before anything is written (docs/registry-notes.md
// "Copying"): the root manifest exactly as stored (or, for a platform subset, the new index and its
// digest), every child manifest and blob, the referrers when asked, and for each the destination's
// state — which tags exist and where they point, which manifests and blobs it already has. This is
// the dry run's answer, and the run works from it (copy-run.ts).
//
// A retag (same repository) needs no child and no blob: one GET of the manifest and one HEAD per
// new tag; the run adds one PUT per tag.
import { BerthError } from '../../shared/errors'
import { formatPlatform } from '../../shared/format'
import {
  type CopyBlobState,
  type CopyManifestRole,
  type CopyMode,
  type CopyPlanItem,
  type CopyPlanReferrer,
  type CopyPlanTag,
  type PlatformSelector,
} from '../../shared/copy'
import type { Referrer } from '../../shared/types'
import { mapBounded } from '../http/bounded-pool'
import { isDigest, sha256Digest } from '../http/digest'
import { dockerForeignLayerGzip, ociLayerNondistributableGzip } from '../http/media-types'
import { blobTransferOf, type BlobDescriptor, type CopySide } from './copy-blob'
import type { ContentLoader } from './content-loader'
import { isAttestationDescriptor, parseManifest, type Descriptor, type ParsedManifest } from './manifest'
import { selectPlatforms } from './copy-platforms'
import { listReferrers, referrersTagFor } from './referrers'

export interface PlannedManifest {
  digest: string
  mediaType: string
  bytes: Uint8Array
  role: CopyManifestRole
  platform: string | null
  /** Digests of the manifests it lists (an index): pushed before it. */
  children: string[]
  blobs: BlobDescriptor[]
  /** The manifest it refers to (OCI 1.1 `subject`), for the referrers tag schema at the destination. */
  subject: string | null
  /** How it was found, for a referrer. */
  referrerSource: Referrer['source'] | null
  present: boolean
}

export interface PreparedItem {
  view: CopyPlanItem
  /** What the destination tags point at (the source root, or the new index of a platform subset). */
  root: { digest: string; mediaType: string; bytes: Uint8Array }
  /** Every manifest pushed by digest, children before parents; the root is not among them. */
  manifests: PlannedManifest[]
  blobs: (BlobDescriptor & { state: CopyBlobState })[]
  /** The root is already at the destination by digest. */
  rootPresent: boolean
  /** Cosign-scheme tags: written after the manifests, before the item's own tags. */
  referrerTags: { tag: string; digest: string; mediaType: string; bytes: Uint8Array; current: string | null }[]
}

export interface PlanContext {
  source: CopySide
  destination: CopySide
  mode: CopyMode
  /** Reads the source (single-flight, cached by digest). */
  loader: ContentLoader
  platforms: readonly PlatformSelector[]
  referrers: boolean
  force: boolean
  /** The source repository's tags, when referrers are wanted (cosign tags, the tag schema). */
  sourceTags?: readonly string[]
  /** HEADs in flight. */
  concurrency: number
  signal?: AbortSignal
  /** What the destination has, by digest, shared by the items of one copy (`true`: present). */
  atDestination: Map<string, Promise<boolean>>
}

const maxDepth = 4
const cosignSuffix: Record<string, string> = { signature: 'sig', attestation: 'att', sbom: 'sbom' }

export async function planItem(context: PlanContext, item: { reference: string; tags: readonly string[] }): Promise<PreparedItem> {
  const { source } = context
  const fetched = await context.source.client.getManifest(source.repository, item.reference, signalOf(context))
  const parsed = parseManifest(fetched.bytes, fetched.mediaType)
  if (parsed.kind === 'schema1') {
    throw new BerthError({
      code: 'unsupported',
      message:
        `${source.registry}/${source.repository}:${item.reference} is a Docker schema 1 manifest, ` +
        'which cannot be copied byte for byte.',
      fix: 'Its signature covers the repository name: push the image again with a current client instead.',
    })
  }
  const notes: string[] = []
  const selection = await selectPlatforms(context, item.reference, fetched.bytes, parsed)
  for (const note of selection.notes) notes.push(note)
  const root = { digest: sha256Digest(selection.bytes), mediaType: parsed.mediaType, bytes: selection.bytes }

  const manifests = new Map<string, PlannedManifest>()
  const referrerTags: PreparedItem['referrerTags'] = []
  const planReferrers: CopyPlanReferrer[] = []
  let rootPlanned: PlannedManifest | null = null
  if (context.mode !== 'retag') {
    rootPlanned = await collectTree(context, root.digest, selection.parsed, root.bytes, manifests, 0, true)
    if (context.referrers) {
      const subjects = [...(selection.changed ? [] : [fetched.digest]), ...manifests.keys()]
      if (selection.changed)
        notes.push(`Referrers of the source index ${fetched.digest} are not copied: the destination index has another digest.`)
      await collectReferrers(context, subjects, manifests, referrerTags, planReferrers)
    }
  } else if (context.referrers) {
    notes.push('Referrers stay where they are: a retag writes a tag in the same repository.')
  }

  const tags = await checkTags(context, item.tags, root.digest)
  for (const referrer of referrerTags) referrer.current = await currentDigest(context, referrer.tag)
  for (const view of planReferrers) {
    view.tags = view.tags.map((tag) => {
      const current = referrerTags.find((entry) => entry.tag === tag.tag)?.current ?? null
      return { tag: tag.tag, current, action: tagAction(current, view.digest, context.force) }
    })
  }

  const ordered = pushOrder(manifests)
  await markPresent(context, ordered)
  if (rootPlanned !== null) rootPlanned.present = await manifestPresent(context, root.digest)
  const rootPresent = rootPlanned?.present ?? false
  const blobs = await blobStates(context, rootPlanned === null ? ordered : [...ordered, rootPlanned])
  const sizes = { total: 0, present: 0, mount: 0, missing: 0 }
  for (const blob of blobs) {
    sizes.total += blob.size
    sizes[blob.state] += blob.size
  }
  const conflicts = [...tags, ...planReferrers.flatMap((referrer) => referrer.tags)].filter((tag) => tag.action === 'conflict')
  const view: CopyPlanItem = {
    reference: item.reference,
    sourceDigest: fetched.digest,
    mediaType: parsed.mediaType,
    destinationDigest: root.digest,
    digestChanges: selection.changed,
    platforms: selection.kept,
    droppedPlatforms: selection.dropped,
    tags,
    manifests: (rootPlanned === null ? ordered : [rootPlanned, ...ordered]).map((manifest) => ({
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      size: manifest.bytes.byteLength,
      role: manifest.role,
      platform: manifest.platform,
      present: manifest.present,
    })),
    blobs: blobs.map((blob) => ({ digest: blob.digest, size: blob.size, mediaType: blob.mediaType, state: blob.state })),
    referrers: planReferrers,
    bytes: sizes,
    writable: conflicts.length === 0,
    notes,
  }
  return { view, root, manifests: ordered, blobs, referrerTags, rootPresent }
}

function signalOf(context: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {}
}

function isForeign(descriptor: Descriptor): boolean {
  return descriptor.mediaType === dockerForeignLayerGzip || descriptor.mediaType === ociLayerNondistributableGzip
}

function blobsOf(parsed: Exclude<ParsedManifest, { kind: 'schema1' }>): BlobDescriptor[] {
  if (parsed.kind !== 'image') return []
  return [parsed.config, ...parsed.layers.filter((layer) => !isForeign(layer))].map(({ digest, size, mediaType }) => ({
    digest,
    size,
    mediaType,
  }))
}

/** The children of an index (recursively) and the blobs of every image, into `out`. The root itself is not added. */
async function collectTree(
  context: PlanContext,
  digest: string,
  parsed: Exclude<ParsedManifest, { kind: 'schema1' }>,
  bytes: Uint8Array,
  out: Map<string, PlannedManifest>,
  depth: number,
  isRoot: boolean,
  role?: CopyManifestRole,
  descriptor?: Descriptor,
): Promise<PlannedManifest> {
  const planned: PlannedManifest = {
    digest,
    mediaType: parsed.mediaType,
    bytes,
    role: role ?? (parsed.kind === 'index' ? 'index' : 'image'),
    platform: descriptor?.platform && !isAttestationDescriptor(descriptor) ? formatPlatform(descriptor.platform) : null,
    children: [],
    blobs: blobsOf(parsed),
    subject: parsed.subject?.digest ?? null,
    referrerSource: null,
    present: false,
  }
  if (parsed.kind === 'index') {
    if (depth >= maxDepth)
      throw new BerthError({ code: 'unsupported', message: `Indexes nested deeper than ${maxDepth} levels are not copied.` })
    const children = await mapBounded(
      parsed.manifests,
      context.concurrency,
      async (child) => {
        if (out.has(child.digest)) return out.get(child.digest)!
        const loaded = await context.loader.manifest(context.source.repository, child.digest, child.mediaType)
        if (loaded.parsed.kind === 'schema1')
          throw new BerthError({ code: 'unsupported', message: `Child ${child.digest} is a schema 1 manifest.` })
        const childRole: CopyManifestRole = isAttestationDescriptor(child)
          ? 'attestation'
          : loaded.parsed.kind === 'index'
            ? 'index'
            : 'image'
        return collectTree(context, child.digest, loaded.parsed, loaded.bytes, out, depth + 1, false, childRole, child)
      },
      context.signal,
    )
    planned.children = children.map((child) => child.digest)
  }
  if (!isRoot) out.set(digest, planned)
  return planned
}

/** Signatures, SBOMs and attestations of `subjects` (and of those, one level down), into `manifests`. */
async function collectReferrers(
  context: PlanContext,
  subjects: string[],
  manifests: Map<string, PlannedManifest>,
  referrerTags: PreparedItem['referrerTags'],
  views: CopyPlanReferrer[],
): Promise<void> {
  const { source } = context
  let level = subjects
  const seen = new Set<string>()
  for (let depth = 0; depth < 2 && level.length > 0; depth++) {
    const found = await mapBounded(
      level,
      context.concurrency,
      async (subject) => ({
        subject,
        referrers: await listReferrers(source.client, source.repository, subject, {
          loader: context.loader,
          ...(context.sourceTags ? { tags: [...context.sourceTags] } : {}),
          ...signalOf(context),
        }),
      }),
      context.signal,
    )
    const next: string[] = []
    for (const { subject, referrers } of found) {
      for (const referrer of referrers) {
        if (seen.has(referrer.digest)) continue
        seen.add(referrer.digest)
        const loaded = await context.loader.manifest(source.repository, referrer.digest, referrer.mediaType)
        if (loaded.parsed.kind === 'schema1') continue
        const planned = await collectTree(context, referrer.digest, loaded.parsed, loaded.bytes, manifests, 1, false, 'referrer')
        planned.referrerSource = referrer.source
        planned.subject = loaded.parsed.subject?.digest ?? (referrer.source === 'cosign-tag' ? null : subject)
        manifests.delete(referrer.digest)
        manifests.set(referrer.digest, planned)
        const suffix = cosignSuffix[referrer.kind]
        const tags: CopyPlanTag[] = []
        if (referrer.source === 'cosign-tag' && suffix !== undefined) {
          const tag = `${referrersTagFor(subject)}.${suffix}`
          referrerTags.push({ tag, digest: referrer.digest, mediaType: loaded.parsed.mediaType, bytes: loaded.bytes, current: null })
          tags.push({ tag, current: null, action: 'create' })
        }
        views.push({
          digest: referrer.digest,
          subject,
          kind: referrer.kind,
          artifactType: referrer.artifactType,
          source: referrer.source,
          tags,
        })
        next.push(referrer.digest)
      }
    }
    level = next
  }
}

/** Children before the indexes that list them; referrers after everything else. */
function pushOrder(manifests: Map<string, PlannedManifest>): PlannedManifest[] {
  const ordered: PlannedManifest[] = []
  const placed = new Set<string>()
  const visit = (manifest: PlannedManifest): void => {
    if (placed.has(manifest.digest)) return
    placed.add(manifest.digest)
    for (const child of manifest.children) {
      const found = manifests.get(child)
      if (found) visit(found)
    }
    ordered.push(manifest)
  }
  for (const manifest of manifests.values()) if (manifest.role !== 'referrer') visit(manifest)
  for (const manifest of manifests.values()) visit(manifest)
  return ordered
}

async function currentDigest(context: PlanContext, tag: string): Promise<string | null> {
  try {
    const head = await context.destination.client.headManifest(context.destination.repository, tag, signalOf(context))
    return head.digest
  } catch (error) {
    if (error instanceof BerthError && error.code === 'not_found') return null
    throw error
  }
}

export function tagAction(current: string | null, wanted: string, force: boolean): CopyPlanTag['action'] {
  if (current === null) return 'create'
  if (current === wanted) return 'unchanged'
  return force ? 'overwrite' : 'conflict'
}

async function checkTags(context: PlanContext, tags: readonly string[], digest: string): Promise<CopyPlanTag[]> {
  return mapBounded(
    [...new Set(tags)],
    context.concurrency,
    async (tag) => {
      const current = await currentDigest(context, tag)
      return { tag, current, action: tagAction(current, digest, context.force) }
    },
    context.signal,
  )
}

/** HEAD by digest at the destination, once per digest per copy. */
function presentAt(context: PlanContext, key: string, check: () => Promise<boolean>): Promise<boolean> {
  let known = context.atDestination.get(key)
  if (known === undefined) {
    known = check()
    context.atDestination.set(key, known)
    known.catch(() => context.atDestination.delete(key))
  }
  return known
}

function manifestPresent(context: PlanContext, digest: string): Promise<boolean> {
  const { destination } = context
  return presentAt(context, `manifest ${digest}`, async () => {
    try {
      await destination.client.headManifest(destination.repository, digest, signalOf(context))
      return true
    } catch (error) {
      if (error instanceof BerthError && error.code === 'not_found') return false
      throw error
    }
  })
}

async function markPresent(context: PlanContext, manifests: PlannedManifest[]): Promise<void> {
  await mapBounded(
    manifests,
    context.concurrency,
    async (manifest) => {
      manifest.present = await manifestPresent(context, manifest.digest)
    },
    context.signal,
  )
}

/** Every blob of the manifests the destination lacks, once, with what the destination has of it. */
async function blobStates(context: PlanContext, manifests: PlannedManifest[]): Promise<PreparedItem['blobs']> {
  const wanted = new Map<string, BlobDescriptor>()
  for (const manifest of manifests) {
    // A manifest the registry holds has its blobs too: registries refuse a manifest whose blobs are missing.
    if (manifest.present) continue
    for (const blob of manifest.blobs) if (!wanted.has(blob.digest)) wanted.set(blob.digest, blob)
  }
  const target = blobTransferOf(context.destination.client)
  return mapBounded(
    [...wanted.values()],
    context.concurrency,
    async (blob) => {
      if (!isDigest(blob.digest)) throw new BerthError({ code: 'invalid_response', message: `"${blob.digest}" is not a digest.` })
      const present = await presentAt(context, `blob ${blob.digest}`, async () => {
        const head = await target.headBlob(context.destination.repository, blob.digest, signalOf(context))
        return head !== null && (head.size === null || head.size === blob.size)
      })
      const state: CopyBlobState = present ? 'present' : context.mode === 'same-registry' ? 'mount' : 'missing'
      return { ...blob, state }
    },
    context.signal,
  )
}
