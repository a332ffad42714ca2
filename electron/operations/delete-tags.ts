// Deleting tags, the one irreversible thing Berth does (REGISTRY-NOTES "Deletion").
// - A DELETE by digest removes EVERY tag on that digest (distribution), so the preview lists them
//   all, and digests are always resolved with the full Accept list (else the amd64 child of a list
//   is deleted instead of the list).
// - "Only this tag" is a DELETE by tag (OCI 1.1) where supported; otherwise the tag is pointed at a
//   unique throw-away manifest which is then deleted by digest (regclient scheme/reg/tag.go), so
//   nothing else can go with it.
// - The digest the user confirmed is checked again right before deleting: a tag that moved since
//   the preview is refused. No DELETE is ever retried automatically.
import { randomBytes } from 'node:crypto'
import { BerthError, toErrorData, type BerthErrorData } from '../../shared/errors'
import type { DeleteMethod, DeleteMode, DeletePreview, DeleteResult } from '../../shared/types'
import type { AuditLog } from '../stores/audit-log'
import { createBoundedPool } from '../http/bounded-pool'
import { createContentLoader, resolveTagDigests, tagsOnDigest, throwIfAborted, type ContentLoader } from './content-loader'
import { sha256Digest } from '../http/digest'
import { ociEmptyConfig, ociManifest } from '../http/media-types'
import type { RegistryClient } from '../http/client-types'

export interface PreviewOptions {
  signal?: AbortSignal
  /** HEADs in flight while resolving the repository's tags. Default 16. */
  concurrency?: number
}

export interface DeleteOptions {
  /** tag → digest the user confirmed in the preview; a tag now elsewhere is refused (`conflict`). */
  expectedDigests?: Record<string, string>
  audit?: AuditLog
  /** host[:port], recorded in the audit log. */
  registry: string
  /** Deletions in flight. Default 1 (see below). */
  concurrency?: number
  signal?: AbortSignal
}

/** OCI 1.1 empty descriptor content (image-spec manifest.md "Guidance for an Empty Descriptor"). */
const emptyJson = new TextEncoder().encode('{}')
export const throwawayArtifactType = 'application/vnd.berth.delete-placeholder.v1'

export async function previewDelete(
  client: RegistryClient,
  repository: string,
  tags: string[],
  mode: DeleteMode,
  options: PreviewOptions = {},
): Promise<DeletePreview> {
  const loader = createContentLoader(client, undefined, options.signal)
  const requested = await resolveTagDigests(loader, repository, unique(tags), options.concurrency ?? 16, options.signal)
  const missing = unique(tags).filter((t) => !requested.has(t))
  if (missing.length > 0) {
    throw new BerthError({
      code: 'not_found',
      message: `${repository} has no tag ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}.`,
      fix: 'Reload the tag list: the tag may have been deleted already.',
    })
  }
  let everyTag: Map<string, string> | null = null
  if (mode === 'digest') {
    // distribution removes every tag on the digest: the user must see all of them before confirming.
    const all = await client.listTags(repository, options.signal ? { signal: options.signal } : {})
    everyTag = await resolveTagDigests(loader, repository, all, options.concurrency ?? 16, options.signal)
  }
  return {
    repository,
    mode,
    items: unique(tags).map((tag) => {
      const digest = requested.get(tag) ?? ''
      const alsoRemoved = everyTag ? withTag(tagsOnDigest(everyTag, digest), tag) : []
      return { tag, digest, alsoRemoved }
    }),
  }
}

export async function deleteTags(
  client: RegistryClient,
  repository: string,
  tags: string[],
  mode: DeleteMode,
  options: DeleteOptions,
): Promise<DeleteResult[]> {
  const loader = createContentLoader(client, undefined, options.signal)
  const ctx: Ctx = { client, loader, repository, options, emptyBlob: null }
  // One deletion at a time by default: overlapping manifest DELETEs in one repository make
  // distribution answer 500 UNKNOWN now and then (distribution#2514, seen in the lab).
  const pool = createBoundedPool(options.concurrency ?? 1, options.signal)
  const requested = unique(tags)
  if (mode === 'tag')
    return Promise.all(requested.map((tag) => pool.run(() => deleteOneTag(ctx, tag)).catch((e: unknown) => failed(tag, '', e))))

  // Digest mode: resolve and check every requested tag first, then one DELETE per distinct digest.
  const resolved = await Promise.all(
    requested.map((tag) => pool.run(() => confirmedDigest(ctx, tag, 'digest-delete')).catch((e: unknown) => failed(tag, '', e))),
  )
  const groups = new Map<string, string[]>()
  const results = new Map<string, DeleteResult>()
  resolved.forEach((r, i) => {
    const tag = requested[i] ?? ''
    if (typeof r === 'string') groups.set(r, [...(groups.get(r) ?? []), tag])
    else results.set(tag, r)
  })
  if (groups.size > 0) {
    let sharing: Map<string, string> | null = null
    try {
      const all = await client.listTags(repository, options.signal ? { signal: options.signal } : {})
      sharing = await resolveTagDigests(loader, repository, all, 16, options.signal)
    } catch {
      // Without the tag list the deletion is still exactly what the user confirmed; only the
      // report of which tags went with it is limited to the ones they named. (A cancel surfaces
      // below: the pool refuses to start the DELETEs.)
    }
    await Promise.all(
      [...groups].map(([digest, group]) =>
        pool
          .run(() => deleteDigest(ctx, digest, group, sharing))
          .catch((e: unknown) => group.map((tag) => failed(tag, digest, e)))
          .then((rs) => rs.forEach((r) => results.set(r.tag, r))),
      ),
    )
  }
  return requested.map((tag) => results.get(tag) ?? failed(tag, '', new BerthError({ code: 'internal', message: `No result for ${tag}.` })))
}

interface Ctx {
  client: RegistryClient
  loader: ContentLoader
  repository: string
  options: DeleteOptions
  emptyBlob: Promise<string> | null
}

/** The tag's digest now, refusing when it is not the one the user confirmed. Returns a result on refusal. */
async function confirmedDigest(ctx: Ctx, tag: string, method: DeleteMethod): Promise<string | DeleteResult> {
  throwIfAborted(ctx.options.signal)
  const expectedDigests = ctx.options.expectedDigests
  if (expectedDigests && !Object.hasOwn(expectedDigests, tag)) {
    // The caller confirmed a set of tags and this one is not in it: never delete the unconfirmed.
    return failed(
      tag,
      '',
      new BerthError({ code: 'invalid_input', message: `${ctx.repository}:${tag} was not in the confirmed preview: nothing was deleted.` }),
    )
  }
  const { digest } = await ctx.loader.resolve(ctx.repository, tag)
  const expected = expectedDigests?.[tag]
  if (expected !== undefined && expected !== digest) {
    const error = new BerthError({
      code: 'conflict',
      message: `${ctx.repository}:${tag} now points at ${digest}, not ${expected} as when you confirmed: nothing was deleted.`,
      fix: 'The tag was pushed again since the preview. Review it and confirm again.',
    })
    await audit(ctx, tag, expected, method, error)
    return failed(tag, expected, error)
  }
  return digest
}

async function deleteDigest(ctx: Ctx, digest: string, group: string[], sharing: Map<string, string> | null): Promise<DeleteResult[]> {
  const removedTags = unique([...group, ...(sharing ? tagsOnDigest(sharing, digest) : [])])
  try {
    await ctx.client.deleteManifest(ctx.repository, digest)
  } catch (error) {
    const data = explain(error, 'after-read')
    await audit(ctx, group[0] ?? null, digest, 'digest-delete', data)
    return group.map((tag) => ({ tag, digest, ok: false, method: 'digest-delete' as const, removedTags: [], error: data }))
  }
  await audit(ctx, group[0] ?? null, digest, 'digest-delete', null)
  return group.map((tag) => ({ tag, digest, ok: true, method: 'digest-delete' as const, removedTags }))
}

async function deleteOneTag(ctx: Ctx, tag: string): Promise<DeleteResult> {
  const confirmed = await confirmedDigest(ctx, tag, 'tag-delete')
  if (typeof confirmed !== 'string') return confirmed
  const digest = confirmed

  try {
    await ctx.client.deleteManifest(ctx.repository, tag)
    await audit(ctx, tag, digest, 'tag-delete', null)
    return { tag, digest, ok: true, method: 'tag-delete', removedTags: [tag] }
  } catch (error) {
    // OCI 1.1: a registry without tag deletion answers 400 or 405; distribution 2.8 answers
    // 400 DIGEST_INVALID (it parses the tag as a digest), some answer 404. Anything else — auth,
    // 5xx, a dropped connection — is reported as is: the DELETE may even have happened.
    const status = error instanceof BerthError ? error.data.status : undefined
    if (status !== 400 && status !== 404 && status !== 405) {
      const data = explain(error, 'after-read')
      await audit(ctx, tag, digest, 'tag-delete', data)
      return failed(tag, digest, data)
    }
  }
  return deleteViaThrowaway(ctx, tag, digest)
}

async function deleteViaThrowaway(ctx: Ctx, tag: string, digest: string): Promise<DeleteResult> {
  const { client, repository } = ctx
  const method: DeleteMethod = 'throwaway-manifest'
  const fail = async (error: unknown): Promise<DeleteResult> => {
    const data = explain(error, 'after-read')
    await audit(ctx, tag, digest, method, data)
    return failed(tag, digest, data)
  }

  // Probe before touching the tag: a DELETE of a digest that cannot exist answers 405 when
  // deletes are disabled (distribution checks that before looking anything up) and 401/403
  // when the credentials may not delete. Either way the tag is left exactly as it was.
  try {
    await client.deleteManifest(repository, sha256Digest(randomBytes(32)))
  } catch (error) {
    const code = error instanceof BerthError ? error.code : 'internal'
    if (code !== 'not_found') return fail(error)
  }

  // The original manifest, to put the tag back should the final DELETE fail.
  let original: { bytes: Uint8Array; mediaType: string }
  let placeholder: Uint8Array
  try {
    const m = await ctx.loader.manifest(repository, digest)
    original = { bytes: m.bytes, mediaType: m.parsed.mediaType }
    ctx.emptyBlob ??= client.uploadBlob(repository, emptyJson)
    const emptyDigest = await ctx.emptyBlob
    placeholder = throwawayManifest(emptyDigest)
    // Narrow the race with a concurrent push as far as the protocol allows.
    const again = await confirmedDigest(ctx, tag, method)
    if (typeof again !== 'string') return again
  } catch (error) {
    ctx.emptyBlob = null
    return fail(error)
  }

  let placeholderDigest: string
  try {
    placeholderDigest = (await client.putManifest(repository, tag, placeholder, ociManifest)).digest
  } catch (error) {
    return fail(error)
  }
  try {
    await client.deleteManifest(repository, placeholderDigest)
  } catch (error) {
    const data = explain(error, 'after-read')
    const restored = await client.putManifest(repository, tag, original.bytes, original.mediaType).then(
      () => true,
      () => false,
    )
    data.message += restored
      ? ` The tag was put back on ${digest}.`
      : ` The tag could not be put back: it now points at the placeholder ${placeholderDigest}; push ${repository}@${digest} to ${tag} again to restore it.`
    return fail(new BerthError(data))
  }
  await audit(ctx, tag, digest, method, null)
  return { tag, digest, ok: true, method, removedTags: [tag] }
}

/** A manifest no one else can have: the nonce and time make its digest unique to this deletion. */
function throwawayManifest(emptyDigest: string): Uint8Array {
  const empty = { mediaType: ociEmptyConfig, digest: emptyDigest, size: emptyJson.byteLength }
  const manifest = {
    schemaVersion: 2,
    mediaType: ociManifest,
    artifactType: throwawayArtifactType,
    config: empty,
    layers: [empty],
    annotations: {
      'org.opencontainers.image.created': new Date().toISOString(),
      'dev.berth.delete.nonce': randomBytes(16).toString('hex'),
      'org.opencontainers.image.description': 'Placeholder pushed by Berth to delete a single tag; deleted right after.',
    },
  }
  return new TextEncoder().encode(JSON.stringify(manifest))
}

/**
 * The user-facing error for a failed step; 403 on DELETE means "can read but not delete". After
 * the same credentials just read the tag, a 401 on a write is the token server granting less than
 * asked (it answers with the intersection, never an error: REGISTRY-NOTES "Auth"), so distribution
 * answers 401 insufficient_scope where others answer 403: that too is "may not", not "who are you".
 */
function explain(error: unknown, stage: 'resolve' | 'after-read' = 'resolve'): BerthErrorData {
  const data = isErrorData(error) ? { ...error } : toErrorData(error)
  if (data.code === 'forbidden' || data.status === 403 || (stage === 'after-read' && data.code === 'unauthorized')) {
    const message = /can read but not delete/i.test(data.message)
      ? data.message
      : `Your credentials can read but not delete here. ${data.message}`
    return { ...data, code: 'forbidden', message }
  }
  if (data.status === 405 && data.code !== 'delete_disabled') return { ...data, code: 'delete_disabled' }
  return data
}

function isErrorData(value: unknown): value is BerthErrorData {
  return (
    !(value instanceof Error) &&
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BerthErrorData).code === 'string' &&
    typeof (value as BerthErrorData).message === 'string'
  )
}

function failed(tag: string, digest: string, error: unknown): DeleteResult {
  return { tag, digest, ok: false, removedTags: [], error: explain(error) }
}

async function audit(
  ctx: Ctx,
  tag: string | null,
  digest: string,
  method: DeleteMethod,
  error: BerthError | BerthErrorData | null,
): Promise<void> {
  if (!ctx.options.audit) return
  try {
    await ctx.options.audit.append({
      time: new Date().toISOString(),
      registry: ctx.options.registry,
      repository: ctx.repository,
      tag,
      digest,
      method,
      result: error ? 'error' : 'ok',
      ...(error ? { error: `${error.code}: ${error.message}` } : {}),
    })
  } catch {
    // The deletion already happened (or failed) at the registry; a full disk must not turn the
    // result into a lie. The result itself is still returned to the caller.
  }
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)]
}

function withTag(list: string[], tag: string): string[] {
  return list.includes(tag) ? list : [tag, ...list]
}
