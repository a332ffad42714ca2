// Referrers (signatures, SBOMs, attestations) of the images a delete leaves untagged: without
// their subject they dangle, so the preview names them and the user may delete them too. They
// follow delete-safety.ts's rules: only what was confirmed, checked again right before the
// irreversible step (a referrer tag still at its digest, no other tag pushed onto that digest), one
// audit line each, no retries; and only after their subject really went.
import { BerthError, type BerthErrorData } from '../../shared/errors'
import { parseReferrerTag } from '../../shared/referrer-tags'
import type { DeletePreview, DeleteReferrer, DeleteReferrerResult, DeleteResult, ReferrerKind } from '../../shared/types'
import { shortDigest } from '../http/digest'
import { explainDeleteError } from '../operations/delete-tags'
import { createContentLoader, type ContentLoader } from '../operations/content-loader'
import { listReferrers, referrersTagFor } from '../operations/referrers'
import type { RegistryProvider } from '../providers/provider'
import type { AuditLog } from '../stores/audit-log'

const cosignSuffix: Partial<Record<ReferrerKind, string>> = { signature: 'sig', attestation: 'att', sbom: 'sbom' }

/** What the preview adds: the referrers that would dangle, and why they cannot go here, if so. */
export async function danglingReferrers(
  provider: RegistryProvider,
  repository: string,
  preview: DeletePreview,
  options: { signal?: AbortSignal } = {},
): Promise<Pick<DeletePreview, 'referrers' | 'referrersBlocked'>> {
  // A tag deleted alone while other tags keep its image leaves nothing dangling.
  const subjects = [
    ...new Set(
      preview.items
        .filter((item) => preview.mode === 'digest' || (item.stillTagged ?? []).length === 0)
        // A referrer tag deleted on its own is not a subject whose referrers go with it.
        .filter((item) => parseReferrerTag(item.tag) === null)
        .map((item) => item.digest),
    ),
  ]
  if (subjects.length === 0) return { referrers: [] }
  const tags = (await provider.listTags(repository, options)).tags
  const deletedTags = new Set(preview.items.flatMap((item) => [item.tag, ...item.alsoRemoved]))
  const found: DeleteReferrer[] = []
  for (const subject of subjects) {
    const indexTag = referrersTagFor(subject)
    if (tags.includes(indexTag) && !deletedTags.has(indexTag)) {
      const digest = (await provider.resolveTags(repository, [indexTag], options)).get(indexTag)
      if (digest !== undefined) found.push({ subject, kind: 'index', digest, tag: indexTag })
    }
    const referrers = await listReferrers(provider.client, repository, subject, {
      tags,
      ...(options.signal ? { signal: options.signal } : {}),
    })
    for (const referrer of referrers) {
      const suffix = cosignSuffix[referrer.kind]
      const tag = referrer.source === 'cosign-tag' && suffix ? `${indexTag}.${suffix}` : null
      if (tag !== null && deletedTags.has(tag)) continue
      found.push({ subject, kind: referrer.kind, digest: referrer.digest, tag })
    }
  }
  return {
    referrers: found,
    ...(found.length > 0 && !provider.capabilities.digestDelete
      ? { referrersBlocked: 'This registry cannot delete a manifest by digest, so its referrers cannot be deleted from here.' }
      : {}),
  }
}

export interface ReferrerDeleteRun {
  provider: RegistryProvider
  repository: string
  registry: string
  audit?: AuditLog
  signal?: AbortSignal
}

/**
 * Deletes the confirmed referrers whose subject was deleted in `results`, and attaches what happened
 * to the first result of each subject. Referrers of a subject that did not go are not touched.
 */
export async function deleteReferrersConfirmed(
  run: ReferrerDeleteRun,
  confirmed: readonly DeleteReferrer[],
  results: DeleteResult[],
): Promise<DeleteResult[]> {
  const deletedSubjects = new Set(results.filter((r) => r.ok).map((r) => r.digest))
  const wanted = confirmed.filter((r) => deletedSubjects.has(r.subject))
  if (wanted.length === 0) return results
  const done: DeleteReferrerResult[] = []
  if (!run.provider.capabilities.digestDelete) {
    const error = new BerthError({ code: 'unsupported', message: 'This registry cannot delete a manifest by digest: the referrers stay.' })
    for (const referrer of wanted) done.push(await finish(run, referrer, error.data))
    return attach(results, done)
  }
  let now: Map<string, string>
  try {
    now = await run.provider.tagDigests(run.repository, run.signal ? { signal: run.signal } : {})
  } catch (error) {
    const data = explainDeleteError(error)
    for (const referrer of wanted) done.push(await finish(run, referrer, data))
    return attach(results, done)
  }
  const loader = createContentLoader(run.provider.client, undefined, run.signal)
  // The index tag first, then what it lists: nothing is left pointing at a manifest already gone.
  const ordered = [...wanted.filter((r) => r.kind === 'index'), ...wanted.filter((r) => r.kind !== 'index')]
  for (const referrer of ordered) {
    if (run.signal?.aborted) {
      done.push(await finish(run, referrer, { code: 'cancelled', message: 'Not attempted: the deletion was cancelled.' }))
      continue
    }
    const change = changeSinceConfirmed(run.repository, referrer, now) ?? (await notAReferrer(run, loader, referrer))
    if (change !== null) {
      done.push(await finish(run, referrer, change.data))
      continue
    }
    try {
      await run.provider.deleteDigest(run.repository, referrer.digest)
      done.push(await finish(run, referrer, null))
    } catch (error) {
      done.push(await finish(run, referrer, explainDeleteError(error, 'after-read')))
    }
  }
  return attach(results, done)
}

/** A conflict when the registry no longer matches what was confirmed for this referrer. */
function changeSinceConfirmed(repository: string, referrer: DeleteReferrer, now: ReadonlyMap<string, string>): BerthError | null {
  const changes: string[] = []
  if (referrer.tag !== null) {
    const current = now.get(referrer.tag)
    if (current === undefined) changes.push(`${referrer.tag} no longer exists`)
    else if (current !== referrer.digest) changes.push(`${referrer.tag} now points at ${current}`)
  }
  const others = [...now].filter(([tag, digest]) => digest === referrer.digest && tag !== referrer.tag).map(([tag]) => tag)
  if (others.length > 0) changes.push(`now also tagged ${others.slice(0, 5).join(', ')}`)
  if (changes.length === 0) return null
  return new BerthError({
    code: 'conflict',
    message:
      `The referrer ${repository}@${shortDigest(referrer.digest)} changed since you confirmed ` +
      `(${changes.join('; ')}): it was not deleted.`,
    fix: 'Preview the delete again: it lists the referrers as they are now.',
  })
}

/**
 * Refuses what is not a referrer of that subject, whatever the request claims: a tag must be named
 * after the subject (cosign's or the referrers index), an untagged manifest must name it as its
 * `subject`. So no request can pass off, say, a platform image of another index as a referrer.
 */
async function notAReferrer(run: ReferrerDeleteRun, loader: ContentLoader, referrer: DeleteReferrer): Promise<BerthError | null> {
  const refused = (why: string): BerthError =>
    new BerthError({
      code: 'invalid_input',
      message:
        `${run.repository}@${shortDigest(referrer.digest)} is not a referrer of ${shortDigest(referrer.subject)} ` +
        `(${why}): it was not deleted.`,
      fix: 'Preview the delete again: it lists the referrers as they are now.',
    })
  if (referrer.tag !== null) {
    return parseReferrerTag(referrer.tag)?.subject === referrer.subject ? null : refused(`the tag ${referrer.tag} is not named after it`)
  }
  try {
    const manifest = await loader.manifest(run.repository, referrer.digest)
    const subject = manifest.parsed.kind === 'schema1' ? undefined : manifest.parsed.subject?.digest
    return subject === referrer.subject ? null : refused('its manifest names no such subject')
  } catch (error) {
    if (error instanceof BerthError) return error
    throw error
  }
}

async function finish(run: ReferrerDeleteRun, referrer: DeleteReferrer, error: BerthErrorData | null): Promise<DeleteReferrerResult> {
  if (run.audit) {
    try {
      await run.audit.append({
        time: new Date().toISOString(),
        registry: run.registry,
        repository: run.repository,
        tag: referrer.tag,
        digest: referrer.digest,
        method: 'digest-delete',
        result: error ? 'error' : 'ok',
        ...(error ? { error: `${error.code}: ${error.message}` } : {}),
      })
    } catch {
      // As for tags: the registry's answer stands even when the audit log cannot be written.
    }
  }
  return { ...referrer, ok: error === null, ...(error ? { error } : {}) }
}

function attach(results: DeleteResult[], done: DeleteReferrerResult[]): DeleteResult[] {
  const given = new Set<string>()
  return results.map((result) => {
    if (!result.ok || given.has(result.digest)) return result
    const mine = done.filter((r) => r.subject === result.digest)
    if (mine.length === 0) return result
    given.add(result.digest)
    return { ...result, referrers: mine }
  })
}
