// Cleanup in the main process: read every tag's details, evaluate the rules (shared/cleanup-rules)
// into a plan, and execute a plan with TAG-SAFE deletion only. A DELETE by digest would take every
// tag on that digest with it (distribution; harbor#6994), so digest mode is never used here.
// Each deletion is checked against the digest the plan showed (`expectedDigests`): a tag pushed again
// since the preview is refused, not deleted. Every attempt goes to the audit log (deleteTags does it).
import { BerthError, toErrorData } from '../../shared/errors'
import { evaluateCleanup, type CleanupPlan, type CleanupRulesInput, type CleanupTagInfo } from '../../shared/cleanup-rules'
import type { DeleteResult } from '../../shared/types'
import type { AuditLog } from '../stores/audit-log'
import { createBoundedPool } from '../http/bounded-pool'
import { deleteTags } from './delete-tags'
import type { DigestCache } from '../stores/cache/digest-cache'
import { loadTagDetails } from './tag-details'
import type { RegistryClient } from '../http/client-types'

export interface PlanOptions {
  /** Only these tags may be removed; keep-n still ranks the whole repository. */
  selection?: readonly string[]
  /** Milliseconds since the epoch (tests pin it). Default: now. */
  now?: number
  cache?: DigestCache
  concurrency?: number
  signal?: AbortSignal
  /** Details read so far, of how many. */
  onProgress?: (done: number, total: number) => void
}

export async function planCleanup(
  client: RegistryClient,
  repository: string,
  rules: CleanupRulesInput,
  options: PlanOptions = {},
): Promise<CleanupPlan> {
  const tags = await client.listTags(repository, options.signal ? { signal: options.signal } : {})
  const unknown = (options.selection ?? []).filter((t) => !tags.includes(t))
  if (unknown.length > 0) {
    throw new BerthError({
      code: 'not_found',
      message: `${repository} has no tag ${unknown.slice(0, 5).join(', ')}.`,
      fix: 'Reload the tag list: it may have been deleted already.',
    })
  }
  let done = 0
  const results = await loadTagDetails(client, repository, tags, {
    concurrency: options.concurrency ?? 16,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onResult: () => options.onProgress?.(++done, tags.length),
  })
  const infos: CleanupTagInfo[] = results.map((r) => {
    if (!r.ok) {
      // A cancel is a cancel, not a tag "that could not be read".
      if (r.error.code === 'cancelled') throw new BerthError(r.error)
      return { tag: r.tag, digest: null, kind: 'unknown', created: null, createdSource: 'unknown', children: [] }
    }
    const d = r.details
    return {
      tag: r.tag,
      digest: d.digest,
      kind: d.kind,
      created: d.created,
      createdSource: d.createdSource,
      ...(d.pushed !== undefined ? { pushed: d.pushed } : {}),
      children: d.kind === 'index' ? d.platforms.map((p) => p.digest) : [],
    }
  })
  return evaluateCleanup(repository, infos, rules, {
    now: options.now ?? Date.now(),
    ...(options.selection ? { selection: options.selection } : {}),
  })
}

export interface RunOptions {
  audit?: AuditLog
  /** host[:port], recorded in the audit log. */
  registry: string
  /**
   * Deletions in flight. Default 1: distribution answers 500 UNKNOWN ("Path not found …/tags/…/link")
   * when manifest DELETEs in one repository overlap (distribution#2514, reproduced in the lab), and
   * every tag-safe delete on 2.8 ends in a DELETE by the placeholder's digest.
   */
  concurrency?: number
  signal?: AbortSignal
  /** Called after each tag with the count finished so far. */
  onProgress?: (done: number, total: number, last: DeleteResult) => void
}

export interface CleanupRunResult {
  repository: string
  results: DeleteResult[]
  removed: string[]
  /** Failed or refused tags: pass them to `runCleanup` again to retry just those. */
  failed: string[]
  /** Tags never attempted because the run was cancelled. */
  cancelled: string[]
}

/**
 * Removes `tags` one by one, each checked against `expectedDigests` (from the plan). A failure is
 * reported for its tag and the others continue; a cancel stops starting new deletions (those in
 * flight finish: a DELETE already sent cannot be called back).
 */
export async function runCleanup(
  client: RegistryClient,
  repository: string,
  tags: readonly string[],
  expectedDigests: Record<string, string>,
  options: RunOptions,
): Promise<CleanupRunResult> {
  const unplanned = tags.filter((t) => !Object.hasOwn(expectedDigests, t))
  if (unplanned.length > 0) {
    throw new BerthError({
      code: 'invalid_input',
      message: `No previewed digest for ${unplanned.slice(0, 5).join(', ')}: nothing was deleted.`,
      fix: 'Preview the cleanup again.',
    })
  }
  const unique = [...new Set(tags)]
  const pool = createBoundedPool(options.concurrency ?? 1, options.signal)
  let done = 0
  const results = await Promise.all(
    unique.map((tag) =>
      pool
        .run(async () => {
          const [result] = await deleteTags(client, repository, [tag], 'tag', {
            expectedDigests: { [tag]: expectedDigests[tag] ?? '' },
            registry: options.registry,
            concurrency: 1,
            ...(options.audit ? { audit: options.audit } : {}),
          })
          return (
            result ?? notAttempted(tag, expectedDigests[tag] ?? '', new BerthError({ code: 'internal', message: `No result for ${tag}.` }))
          )
        })
        .catch((error: unknown) => notAttempted(tag, expectedDigests[tag] ?? '', error))
        .then((result) => {
          done++
          try {
            options.onProgress?.(done, unique.length, result)
          } catch {
            // A listener's bug must not turn a finished deletion into a failed one.
          }
          return result
        }),
    ),
  )
  const isCancelled = (r: DeleteResult): boolean => !r.ok && r.error?.code === 'cancelled'
  return {
    repository,
    results,
    removed: results.filter((r) => r.ok).map((r) => r.tag),
    failed: results.filter((r) => !r.ok && !isCancelled(r)).map((r) => r.tag),
    cancelled: results.filter(isCancelled).map((r) => r.tag),
  }
}

function notAttempted(tag: string, digest: string, error: unknown): DeleteResult {
  return { tag, digest, ok: false, removedTags: [], error: toErrorData(error) }
}
