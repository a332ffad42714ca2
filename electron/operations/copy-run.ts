// Carries out the plan of one item (copy-plan.ts): blobs first (several at once, each once per copy
// however many items share it), then the manifests by digest, children before the indexes that
// list them, then the referrers' tags, and the item's own tags last. A failure at any step stops
// the item before its tags: the destination tag is never moved to something incomplete. Every
// write of a tag, and every copied image, goes to the audit log with both digests.
import { setMaxListeners } from 'node:events'
import { BerthError, toErrorData, type BerthErrorData } from '../../shared/errors'
import type { CopyItemResult, CopyMode, CopyTagStatus } from '../../shared/copy'
import type { AuditEntry } from '../../shared/types'
import { createBoundedPool } from '../http/bounded-pool'
import { sha256Digest, shortDigest } from '../http/digest'
import { ociIndex } from '../http/media-types'
import { blobTransferOf, copyBlob, type BlobOutcome, type CopyBlobResult, type CopySide } from './copy-blob'
import type { PlannedManifest, PreparedItem } from './copy-plan'
import type { UploadJournal } from './copy-upload-journal'
import { parseManifest, type Descriptor } from './manifest'
import { referrersTagFor } from './referrers'

export interface RunProgress {
  blobStarted(digest: string): void
  blobBytes(count: number): void
  blobFinished(digest: string, outcome: BlobOutcome | 'present', bytes: number): void
  phase(phase: 'blobs' | 'manifests' | 'tags'): void
}

export interface RunContext {
  source: CopySide
  destination: CopySide
  mode: CopyMode
  journal: UploadJournal
  chunkBytes: number
  /** Blobs in flight at once. */
  parallelBlobs: number
  force: boolean
  signal?: AbortSignal
  /** Blob copies of this run by digest: an item that needs a blob another is copying waits for it. */
  blobFlights: Map<string, Promise<CopyBlobResult | null>>
  progress?: RunProgress
  audit?: (entry: AuditEntry) => Promise<void>
}

type Tally = CopyItemResult['blobs']

export async function runItem(context: RunContext, item: PreparedItem): Promise<CopyItemResult> {
  const { view } = item
  const tags = view.tags.map((tag): { tag: string; previous: string | null; status: CopyTagStatus } => ({
    tag: tag.tag,
    previous: tag.current,
    status: 'not-written',
  }))
  const base = { reference: view.reference, sourceDigest: view.sourceDigest, destinationDigest: view.destinationDigest, tags }
  const tally: Tally = { uploaded: 0, mounted: 0, present: 0, resumed: 0 }
  let bytesUploaded = 0

  if (!view.writable) {
    const conflicts = [...view.tags, ...view.referrers.flatMap((referrer) => referrer.tags)].filter((tag) => tag.action === 'conflict')
    for (const entry of tags) if (conflicts.some((tag) => tag.tag === entry.tag)) entry.status = 'refused'
    return {
      ...base,
      status: 'conflict',
      blobs: tally,
      bytesUploaded: 0,
      verified: false,
      error: conflictError(context, view.destinationDigest, conflicts),
    }
  }
  const upToDate =
    item.blobs.every((blob) => blob.state === 'present') &&
    item.manifests.every((manifest) => manifest.present) &&
    item.referrerTags.every((referrer) => referrer.current === referrer.digest) &&
    view.tags.every((tag) => tag.action === 'unchanged') &&
    (view.tags.length > 0 || item.rootPresent)
  if (upToDate) {
    for (const entry of tags) entry.status = 'unchanged'
    tally.present = item.blobs.length
    return { ...base, status: 'up-to-date', blobs: tally, bytesUploaded: 0, verified: true }
  }

  let worked = false
  try {
    context.progress?.phase('blobs')
    const blobResults = await copyBlobs(context, item)
    for (const result of blobResults.values()) {
      if (result === null) {
        tally.present++
        continue
      }
      worked = true
      bytesUploaded += result.bytesSent
      if (result.outcome === 'mounted') tally.mounted++
      else if (result.outcome === 'resumed') tally.resumed++
      else tally.uploaded++
    }
    context.progress?.phase('manifests')
    const subjects = new Map<string, Descriptor[]>()
    for (const manifest of item.manifests) {
      if (manifest.present) continue
      worked = true
      const pushed = await push(
        context,
        manifest.digest,
        manifest.bytes,
        manifest.mediaType,
        `push manifest ${shortDigest(manifest.digest, 19)}`,
      )
      // Without OCI-Subject in the answer the registry keeps no referrers list: the client maintains the tag schema.
      if (
        manifest.role === 'referrer' &&
        manifest.subject !== null &&
        pushed.subject === null &&
        manifest.referrerSource !== 'cosign-tag'
      ) {
        const list = subjects.get(manifest.subject) ?? []
        list.push(descriptorOf(manifest))
        subjects.set(manifest.subject, list)
      }
    }
    context.progress?.phase('tags')
    for (const [subject, descriptors] of subjects) await mergeReferrersTag(context, view.sourceDigest, subject, descriptors)
    for (const referrer of item.referrerTags) {
      if (referrer.current === referrer.digest) continue
      await writeTag(
        context,
        referrer.tag,
        referrer.digest,
        referrer.bytes,
        referrer.mediaType,
        referrer.current,
        worked,
        view.sourceDigest,
      )
    }
    if (view.tags.length === 0 && !item.rootPresent) {
      await push(context, item.root.digest, item.root.bytes, item.root.mediaType, 'push the image by digest')
    }
    for (const [index, tag] of view.tags.entries()) {
      const entry = tags[index]!
      if (tag.action === 'unchanged') {
        entry.status = 'unchanged'
        continue
      }
      try {
        await writeTag(context, tag.tag, item.root.digest, item.root.bytes, item.root.mediaType, tag.current, worked, view.sourceDigest)
        entry.status = 'written'
      } catch (error) {
        entry.status = error instanceof BerthError && error.code === 'conflict' ? 'refused' : 'not-written'
        throw error
      }
    }
    if (context.mode !== 'retag') await auditCopy(context, item, 'ok')
    return { ...base, status: 'copied', blobs: tally, bytesUploaded, verified: true }
  } catch (error) {
    const data = toErrorData(error)
    if (context.mode !== 'retag') await auditCopy(context, item, 'error', data)
    const status = data.code === 'cancelled' ? 'cancelled' : data.code === 'conflict' ? 'conflict' : 'failed'
    return { ...base, status, blobs: tally, bytesUploaded, verified: false, error: data }
  }
}

function conflictError(context: RunContext, wanted: string, conflicts: { tag: string; current: string | null }[]): BerthErrorData {
  const where = `${context.destination.registry}/${context.destination.repository}`
  const list = conflicts.map((tag) => `${tag.tag} is at ${tag.current ?? 'nothing'}`).join('; ')
  return {
    code: 'conflict',
    message: `${where}: ${list}, not at ${wanted}; nothing was written (a tag that points elsewhere is only moved with force).`,
    fix: 'Check that you mean to move the tag, then copy again with --force (or confirm the overwrite in the dialog).',
  }
}

/** Every blob the destination lacks, `parallelBlobs` at a time; the first failure stops the others. */
async function copyBlobs(context: RunContext, item: PreparedItem): Promise<Map<string, CopyBlobResult | null>> {
  const controller = new AbortController()
  // Every request of every blob in flight listens on it: not a leak.
  setMaxListeners(0, controller.signal)
  const abort = (): void => controller.abort()
  context.signal?.addEventListener('abort', abort, { once: true })
  const pool = createBoundedPool(context.parallelBlobs, controller.signal)
  const results = new Map<string, CopyBlobResult | null>()
  try {
    await Promise.all(
      item.blobs.map((blob) =>
        pool
          .run(async () => {
            if (blob.state === 'present') {
              context.progress?.blobFinished(blob.digest, 'present', 0)
              results.set(blob.digest, null)
              return
            }
            let flight = context.blobFlights.get(blob.digest)
            if (flight === undefined) {
              context.progress?.blobStarted(blob.digest)
              flight = copyBlob({
                source: context.source,
                destination: context.destination,
                blob,
                mount: blob.state === 'mount',
                journal: context.journal,
                chunkBytes: context.chunkBytes,
                signal: controller.signal,
                onBytes: (count) => context.progress?.blobBytes(count),
              }).then((result) => {
                context.progress?.blobFinished(blob.digest, result.outcome, result.bytesSent)
                return result
              })
              context.blobFlights.set(blob.digest, flight)
              flight.catch(() => context.blobFlights.delete(blob.digest))
              results.set(blob.digest, await flight)
            } else {
              // Another item copied it in this run: here it is simply present.
              await flight
              results.set(blob.digest, null)
            }
          })
          .catch((error: unknown) => {
            controller.abort()
            throw error
          }),
      ),
    )
  } catch (error) {
    if (context.signal?.aborted === true) throw new BerthError({ code: 'cancelled', message: 'The copy was cancelled.' })
    throw error
  } finally {
    context.signal?.removeEventListener('abort', abort)
  }
  return results
}

async function push(
  context: RunContext,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
  step: string,
): Promise<{ digest: string; subject: string | null }> {
  if (context.signal?.aborted === true) throw new BerthError({ code: 'cancelled', message: 'The copy was cancelled.' })
  try {
    return await blobTransferOf(context.destination.client).pushManifest(context.destination.repository, reference, bytes, mediaType)
  } catch (error) {
    throw namedStep(step, context.destination.registry, error)
  }
}

function namedStep(step: string, registry: string, error: unknown): BerthError {
  const data = toErrorData(error)
  return new BerthError({ ...data, message: `The copy failed at "${step}" on ${registry}: ${data.message}` }, { cause: error })
}

/**
 * Writes `tag`, expected at `previous` (null: absent). After other work took time, the tag is
 * checked again first: one that moved meanwhile is not overwritten without force.
 */
async function writeTag(
  context: RunContext,
  tag: string,
  digest: string,
  bytes: Uint8Array,
  mediaType: string,
  previous: string | null,
  recheck: boolean,
  sourceDigest: string,
): Promise<void> {
  const { destination } = context
  let before = previous
  if (recheck) {
    try {
      before = (await destination.client.headManifest(destination.repository, tag)).digest
    } catch (error) {
      if (!(error instanceof BerthError && error.code === 'not_found')) throw namedStep(`check tag ${tag}`, destination.registry, error)
      before = null
    }
    if (before !== previous && before !== digest && !context.force) {
      throw new BerthError({
        code: 'conflict',
        message:
          `${destination.registry}/${destination.repository}:${tag} moved to ${before ?? 'nothing'} while the copy ran ` +
          `(it was at ${previous ?? 'nothing'}); it was not overwritten with ${digest}.`,
        fix: 'Look at what changed, then copy again (with --force to move the tag anyway).',
      })
    }
  }
  const entry = {
    registry: destination.registry,
    repository: destination.repository,
    tag,
    digest,
    method: 'tag-write' as const,
    source: `${context.source.registry}/${context.source.repository}`,
    sourceDigest,
    previousDigest: before,
  }
  try {
    await push(context, tag, bytes, mediaType, `write tag ${tag}`)
  } catch (error) {
    await context.audit?.({ ...entry, time: new Date().toISOString(), result: 'error', error: toErrorData(error).message })
    throw error
  }
  await context.audit?.({ ...entry, time: new Date().toISOString(), result: 'ok' })
}

async function auditCopy(context: RunContext, item: PreparedItem, result: 'ok' | 'error', error?: BerthErrorData): Promise<void> {
  await context.audit?.({
    time: new Date().toISOString(),
    registry: context.destination.registry,
    repository: context.destination.repository,
    tag: null,
    digest: item.root.digest,
    method: 'copy',
    result,
    source: `${context.source.registry}/${context.source.repository}`,
    sourceDigest: item.view.sourceDigest,
    ...(error ? { error: error.message } : {}),
  })
}

function descriptorOf(manifest: PlannedManifest): Descriptor {
  const parsed = parseManifest(manifest.bytes, manifest.mediaType)
  const descriptor: Descriptor = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.byteLength }
  if (parsed.kind !== 'schema1') {
    const artifactType = parsed.artifactType ?? (parsed.kind === 'image' ? parsed.config.mediaType : null)
    if (artifactType !== null) descriptor.artifactType = artifactType
    if (Object.keys(parsed.annotations).length > 0) descriptor.annotations = parsed.annotations
  }
  return descriptor
}

/**
 * The referrers tag schema at the destination (SPEC "Referrers Tag Schema"): the `sha256-<hex>`
 * index of `subject` gets the pushed referrers added, keeping what it already lists.
 */
async function mergeReferrersTag(context: RunContext, sourceDigest: string, subject: string, added: Descriptor[]): Promise<void> {
  const { destination } = context
  const tag = referrersTagFor(subject)
  let existing: { digest: string; manifests: Descriptor[]; document: Record<string, unknown> } | null = null
  try {
    const current = await destination.client.getManifest(destination.repository, tag)
    const parsed = parseManifest(current.bytes, current.mediaType)
    if (parsed.kind === 'index') {
      existing = {
        digest: current.digest,
        manifests: parsed.manifests,
        document: JSON.parse(new TextDecoder().decode(current.bytes)) as Record<string, unknown>,
      }
    }
  } catch (error) {
    if (!(error instanceof BerthError && error.code === 'not_found'))
      throw namedStep(`read referrers tag ${tag}`, destination.registry, error)
  }
  const known = new Set((existing?.manifests ?? []).map((descriptor) => descriptor.digest))
  const missing = added.filter((descriptor) => !known.has(descriptor.digest))
  if (missing.length === 0) return
  const document = existing?.document ?? { schemaVersion: 2, mediaType: ociIndex, manifests: [] }
  const listed = Array.isArray(document.manifests) ? (document.manifests as unknown[]) : []
  document.manifests = [...listed, ...missing]
  const bytes = new TextEncoder().encode(JSON.stringify(document))
  const digest = sha256Digest(bytes)
  // A merge never drops an entry, so it is written whatever the tag pointed at.
  await writeTag({ ...context, force: true }, tag, digest, bytes, ociIndex, existing?.digest ?? null, false, sourceDigest)
}
