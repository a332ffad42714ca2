// The one place that decides what a delete may remove, for every provider and every door.
// - A preview names, per requested tag, its digest and — for a delete by digest — every tag on that
//   digest, since a DELETE by digest removes them all (docs/registry-notes.md "Deletion").
// - The user confirms that set: `expectedDigests` holds every tag they agreed to lose, with the
//   digest it had in the preview. Right before the irreversible step, the registry is asked again;
//   if a confirmed tag moved, or the tags on a digest are no longer exactly the confirmed ones (a
//   tag was pushed onto it meanwhile), nothing is deleted and the conflict names the difference.
// - Every tag that goes, siblings included, gets its own audit.log entry; so does every refusal.
// - No DELETE is ever retried: one that failed may still have happened at the registry.
// - Referrers the user confirmed with the preview go after their image, by the same rules
//   (delete-referrers.ts); those of an image that did not go are never touched.
// - An untagged image (deleteUntaggedConfirmed) goes by digest only while no tag points at it or
//   reaches it, asked of the registry right before; with an index go its platform manifests no tag uses.
import { BerthError, type BerthErrorData } from '../../shared/errors'
import type { DeleteMethod, DeleteMode, DeletePreview, DeleteReferrer, DeleteResult } from '../../shared/types'
import { createBoundedPool } from '../http/bounded-pool'
import { shortDigest } from '../http/digest'
import { explainDeleteError } from '../operations/delete-tags'
import { DeleteStepError, type RegistryProvider } from '../providers/provider'
import type { AuditLog } from '../stores/audit-log'
import { tagIndexForCache } from '../stores/cache/tag-index'
import type { UntaggedDeleteResult } from '../../shared/usage'
import { checkUntagged } from './usage-effects'
import { deleteReferrersConfirmed } from './delete-referrers'
import type { UsageContext } from './usage-run'

export interface DeleteRequest {
  /** The tags the user picked. */
  tags: readonly string[]
  mode: DeleteMode
  /**
   * Every tag the user confirmed will disappear → the digest the preview showed for it: the picked
   * tags, and for a delete by digest also every other tag on that digest (the preview's alsoRemoved).
   */
  expectedDigests: Readonly<Record<string, string>>
  /**
   * Referrers from the preview the user also confirmed (DeletePreview.referrers): deleted by digest
   * after their subject went, each checked again first (delete-referrers.ts).
   */
  referrers?: readonly DeleteReferrer[]
}

export interface DeleteRunOptions {
  audit?: AuditLog
  /** host[:port], recorded in the audit log. */
  registry: string
  signal?: AbortSignal
  /**
   * Deletions in flight. Default 1: overlapping manifest DELETEs in one repository make distribution
   * answer 500 now and then (docs/registry-notes.md "Quirks", distribution#2514).
   */
  concurrency?: number
}

export async function previewDelete(
  provider: RegistryProvider,
  repository: string,
  tags: readonly string[],
  mode: DeleteMode,
  options: { signal?: AbortSignal } = {},
): Promise<DeletePreview> {
  return (await previewWithDigests(provider, repository, tags, mode, options)).preview
}

/** The preview, and for a delete by digest every tag's digest as just asked (what it frees is counted from them). */
export async function previewWithDigests(
  provider: RegistryProvider,
  repository: string,
  tags: readonly string[],
  mode: DeleteMode,
  options: { signal?: AbortSignal } = {},
): Promise<{ preview: DeletePreview; current: Map<string, string>; everyTag: Map<string, string> | null }> {
  if (mode === 'digest' && !provider.capabilities.digestDelete) throw digestDeleteUnsupported()
  const requested = unique(tags)
  const current = await provider.resolveTags(repository, requested, options)
  const missing = requested.filter((tag) => !current.has(tag))
  if (missing.length > 0) {
    throw new BerthError({
      code: 'not_found',
      message: `${repository} has no tag ${listOf(missing)}.`,
      fix: 'Reload the tag list: the tag may have been deleted already.',
    })
  }
  // A delete by digest removes every tag on it: the user must see all of them before confirming.
  const everyTag = mode === 'digest' ? await provider.tagDigests(repository, options) : null
  const preview: DeletePreview = {
    repository,
    mode,
    items: requested.map((tag) => {
      const digest = current.get(tag) ?? ''
      const alsoRemoved = everyTag ? withTag(tagsOn(everyTag, digest), tag) : []
      return { tag, digest, alsoRemoved }
    }),
  }
  return { preview, current, everyTag }
}

/**
 * Untagged images, deleted by digest: each must still be stored and no tag may point at it or reach
 * it (a platform or attestation of a tagged index), asked of the registry right before the DELETEs
 * (usage-effects.ts, checkUntagged). One audit entry per digest, with no tag.
 */
export async function deleteUntaggedConfirmed(
  provider: RegistryProvider,
  usage: UsageContext,
  repository: string,
  digests: readonly string[],
  options: DeleteRunOptions,
): Promise<UntaggedDeleteResult[]> {
  if (!provider.capabilities.digestDelete) throw digestDeleteUnsupported()
  const wanted = unique(digests)
  const method: DeleteMethod = 'digest-delete'
  const record = async (digest: string, error: BerthErrorData | null): Promise<void> => {
    if (!options.audit) return
    try {
      await options.audit.append({
        time: new Date().toISOString(),
        registry: options.registry,
        repository,
        tag: null,
        digest,
        method,
        result: error ? 'error' : 'ok',
        ...(error ? { error: `${error.code}: ${error.message}` } : {}),
      })
    } catch {
      // As for tags: the registry's answer stands even when the audit log cannot be written.
    }
  }
  let checks: Awaited<ReturnType<typeof checkUntagged>>['checks']
  try {
    checks = (await checkUntagged(usage, repository, wanted, options.signal)).checks
  } catch (error) {
    const data = explainDeleteError(error)
    for (const digest of wanted) await record(digest, data)
    return wanted.map((digest) => ({ digest, ok: false, deleted: [], error: data }))
  }
  const hints = await tagIndexForCache(usage.cache).open(provider.client.endpoint.host, repository)
  const results: UntaggedDeleteResult[] = []
  // One at a time, as for tags (docs/registry-notes.md "Quirks": overlapping DELETEs), never retried.
  // An index goes first, then the platform manifests no tag reaches: nothing is left pointing at a gap.
  for (const check of checks) {
    const failures: string[] = []
    const deleted: string[] = []
    let first: BerthErrorData | null = null
    for (const digest of [check.digest, ...check.alsoDeleted]) {
      if (options.signal?.aborted) {
        first ??= { code: 'cancelled', message: 'Not attempted: the deletion was cancelled.' }
        failures.push(digest)
        continue
      }
      try {
        await provider.deleteDigest(repository, digest)
        hints.forgetHistory(digest)
        deleted.push(digest)
        await record(digest, null)
      } catch (error) {
        const data = explainDeleteError(error, 'after-read')
        await record(digest, data)
        first ??= data
        failures.push(digest)
        // The index itself could not go: its platform manifests stay with it.
        if (digest === check.digest) break
      }
    }
    if (first === null) results.push({ digest: check.digest, ok: true, deleted })
    else {
      const message =
        failures[0] === check.digest ? first.message : `${first.message} (${failures.length} of its platform manifests were not deleted)`
      results.push({ digest: check.digest, ok: false, deleted, error: { ...first, message } })
    }
  }
  hints.saveSoon()
  return results
}

export async function deleteConfirmed(
  provider: RegistryProvider,
  repository: string,
  request: DeleteRequest,
  options: DeleteRunOptions,
): Promise<DeleteResult[]> {
  const run: DeleteRun = { provider, repository, request, options }
  const pool = createBoundedPool(options.concurrency ?? 1, options.signal)
  const requested = unique(request.tags)
  const unconfirmed = requested.filter((tag) => !Object.hasOwn(request.expectedDigests, tag))
  const results = new Map<string, DeleteResult>()
  for (const tag of unconfirmed) {
    // The caller confirmed a set of tags and this one is not in it: never delete the unconfirmed.
    const error = new BerthError({
      code: 'invalid_input',
      message: `${repository}:${tag} was not in the confirmed preview: nothing was deleted.`,
      fix: 'Preview the delete and confirm it again.',
    })
    results.set(tag, failed(tag, '', error))
  }
  const confirmed = requested.filter((tag) => !unconfirmed.includes(tag))

  if (request.mode === 'tag') {
    const done = await Promise.all(
      confirmed.map((tag) => pool.run(() => deleteOneTag(run, tag)).catch((error: unknown) => failed(tag, expectedOf(run, tag), error))),
    )
    for (const result of done) results.set(result.tag, result)
  } else if (!provider.capabilities.digestDelete) {
    for (const tag of confirmed) results.set(tag, failed(tag, expectedOf(run, tag), digestDeleteUnsupported()))
  } else {
    // One DELETE per distinct digest, for the picked tags grouped by the digest they were confirmed at.
    const groups = new Map<string, string[]>()
    for (const tag of confirmed) groups.set(expectedOf(run, tag), [...(groups.get(expectedOf(run, tag)) ?? []), tag])
    const done = await Promise.all(
      [...groups].map(([digest, group]) =>
        pool.run(() => deleteOneDigest(run, digest, group)).catch((error: unknown) => group.map((tag) => failed(tag, digest, error))),
      ),
    )
    for (const result of done.flat()) results.set(result.tag, result)
  }
  const ordered = requested.map(
    (tag) => results.get(tag) ?? failed(tag, '', new BerthError({ code: 'internal', message: `No result for ${tag}.` })),
  )
  if (!request.referrers || request.referrers.length === 0) return ordered
  return deleteReferrersConfirmed(
    {
      provider,
      repository,
      registry: options.registry,
      ...(options.audit ? { audit: options.audit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    request.referrers,
    ordered,
  )
}

interface DeleteRun {
  provider: RegistryProvider
  repository: string
  request: DeleteRequest
  options: DeleteRunOptions
}

const expectedOf = (run: DeleteRun, tag: string): string => run.request.expectedDigests[tag] ?? ''

/** Throws a conflict unless `tag` is still at the digest the user confirmed. */
async function checkStillAt(run: DeleteRun, tag: string): Promise<void> {
  const expected = expectedOf(run, tag)
  const current = (await run.provider.resolveTags(run.repository, [tag], run.options)).get(tag)
  if (current === expected) return
  throw new BerthError({
    code: 'conflict',
    message:
      current === undefined
        ? `${run.repository}:${tag} no longer exists: nothing was deleted.`
        : `${run.repository}:${tag} now points at ${current}, not ${expected} as when you confirmed: nothing was deleted.`,
    fix: 'The tag was pushed again (or deleted) since the preview. Review it and confirm again.',
  })
}

async function deleteOneTag(run: DeleteRun, tag: string): Promise<DeleteResult> {
  const digest = expectedOf(run, tag)
  const method: DeleteMethod = run.provider.kind === 'gitlab' ? 'gitlab-api' : 'tag-delete'
  try {
    await checkStillAt(run, tag)
  } catch (error) {
    const data = explainDeleteError(error)
    await audit(run, tag, digest, method, data)
    return failed(tag, digest, data)
  }
  try {
    const used = await run.provider.deleteTag(run.repository, tag, digest, () => checkStillAt(run, tag))
    await audit(run, tag, digest, used, null)
    return { tag, digest, ok: true, method: used, removedTags: [tag] }
  } catch (error) {
    // A provider's own API already says what its refusal means (a Hub 401 is "sign in", not "may not").
    const data = error instanceof DeleteStepError ? error.toData() : explainDeleteError(error, 'after-read')
    const used = error instanceof DeleteStepError ? error.method : method
    await audit(run, tag, digest, used, data)
    return { ...failed(tag, digest, data), method: used }
  }
}

async function deleteOneDigest(run: DeleteRun, digest: string, group: readonly string[]): Promise<DeleteResult[]> {
  const method: DeleteMethod = 'digest-delete'
  const confirmedOnDigest = Object.keys(run.request.expectedDigests).filter((tag) => run.request.expectedDigests[tag] === digest)
  let now: Map<string, string>
  try {
    now = await run.provider.tagDigests(run.repository, run.options)
  } catch (error) {
    const data = explainDeleteError(error)
    for (const tag of group) await audit(run, tag, digest, method, data)
    return group.map((tag) => failed(tag, digest, data))
  }
  const onDigestNow = tagsOn(now, digest)
  const changes: string[] = []
  for (const tag of confirmedOnDigest) {
    const current = now.get(tag)
    if (current === undefined) changes.push(`${tag} no longer exists`)
    else if (current !== digest) changes.push(`${tag} now points at ${current}`)
  }
  const added = onDigestNow.filter((tag) => !confirmedOnDigest.includes(tag))
  if (added.length > 0) changes.push(`now also on it: ${listOf(added)}`)
  if (changes.length > 0) {
    const error = new BerthError({
      code: 'conflict',
      message:
        `The tags on ${run.repository}@${shortDigest(digest)} changed since you confirmed ` +
        `(${changes.join('; ')}): nothing was deleted.`,
      fix: 'Preview the delete again: it lists every tag that would go now.',
    })
    for (const tag of group) await audit(run, tag, digest, method, error.data)
    return group.map((tag) => failed(tag, digest, error))
  }
  try {
    await run.provider.deleteDigest(run.repository, digest)
  } catch (error) {
    const data = explainDeleteError(error, 'after-read')
    for (const tag of group) await audit(run, tag, digest, method, data)
    return group.map((tag) => ({ ...failed(tag, digest, data), method }))
  }
  // Every tag that went is on record, not only the ones the user picked.
  for (const tag of onDigestNow) await audit(run, tag, digest, method, null)
  return group.map((tag) => ({ tag, digest, ok: true, method, removedTags: onDigestNow }))
}

function digestDeleteUnsupported(): BerthError {
  return new BerthError({
    code: 'unsupported',
    message: 'This registry cannot delete a manifest by digest.',
    fix: 'Delete the tags one by one instead (only this tag).',
  })
}

function failed(tag: string, digest: string, error: unknown): DeleteResult {
  return { tag, digest, ok: false, removedTags: [], error: explainDeleteError(error) }
}

async function audit(run: DeleteRun, tag: string, digest: string, method: DeleteMethod, error: BerthErrorData | null): Promise<void> {
  if (!run.options.audit) return
  try {
    await run.options.audit.append({
      time: new Date().toISOString(),
      registry: run.options.registry,
      repository: run.repository,
      tag,
      digest: digest || 'unknown',
      method,
      result: error ? 'error' : 'ok',
      ...(error ? { error: `${error.code}: ${error.message}` } : {}),
    })
  } catch {
    // The deletion already happened (or failed) at the registry; a full disk must not turn the
    // result into a lie. The result itself is still returned to the caller.
  }
}

function tagsOn(digests: ReadonlyMap<string, string>, digest: string): string[] {
  const tags: string[] = []
  for (const [tag, tagDigest] of digests) if (tagDigest === digest) tags.push(tag)
  return tags
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)]
}

function withTag(list: string[], tag: string): string[] {
  return list.includes(tag) ? list : [tag, ...list]
}

function listOf(tags: readonly string[]): string {
  return `${tags.slice(0, 5).join(', ')}${tags.length > 5 ? ` (and ${tags.length - 5} more)` : ''}`
}
