// What cleanup rules (shared/cleanup-rules.ts) need to know of each tag, derived from its details.
// Planning and running a cleanup are the session's (electron/session/registry-session.ts): it reads
// the details through the registry's provider and deletes tag by tag, tag-safe only, through the
// one delete path (electron/session/delete-safety.ts).
import { BerthError } from '../../shared/errors'
import type { CleanupTagInfo } from '../../shared/cleanup-rules'
import type { TagDetailsResult } from '../../shared/types'

export function cleanupTagInfos(results: readonly TagDetailsResult[]): CleanupTagInfo[] {
  return results.map((result) => {
    if (!result.ok) {
      // A cancel is a cancel, not a tag "that could not be read".
      if (result.error.code === 'cancelled') throw new BerthError(result.error)
      return { tag: result.tag, digest: null, kind: 'unknown', created: null, createdSource: 'unknown', children: [] }
    }
    const details = result.details
    return {
      tag: result.tag,
      digest: details.digest,
      kind: details.kind,
      created: details.created,
      createdSource: details.createdSource,
      ...(details.pushed !== undefined ? { pushed: details.pushed } : {}),
      children: details.kind === 'index' ? details.platforms.map((platform) => platform.digest) : [],
    }
  })
}
