// The delete dialog's two calls. The preview is the check (the core resolves every selected tag with
// the registry); the delete sends back every tag the preview named with its digest, so a tag that
// moved since is refused (shared/delete-confirmation.ts). After a delete, the table is listed again.
import type { DeleteMode, DeletePreview, DeleteReferrer } from '../../../../shared/types'
import type { ApiResponses, IpcResult } from '../../../../shared/ipc'
import { confirmationFor } from '../../../../shared/delete-confirmation'
import { call } from '../../api/call'
import { useSelection } from '../selection'
import { useTags } from '../tags'
import { showToast } from '../toasts'
import { useView } from '../view'

export function previewDelete(
  registryId: string,
  repository: string,
  tags: string[],
  mode: DeleteMode,
): Promise<IpcResult<ApiResponses['previewDelete']>> {
  return call('previewDelete', { registryId, repository, tags, mode })
}

/**
 * Deletes what `preview` named. Resolves with the per-tag results once the registry answered; the
 * toast, the closing of a deleted tag's details and the table's refresh follow from here.
 */
export async function deleteTags(
  registryId: string,
  repository: string,
  preview: DeletePreview,
  /** The preview's referrers the user chose to delete too (after their image). */
  referrers: readonly DeleteReferrer[] = [],
): Promise<IpcResult<ApiResponses['deleteTags']>> {
  // Every tag that goes, siblings of a digest delete included: anything else on the digest by now is refused.
  const expectedDigests = confirmationFor(preview)
  const result = await call('deleteTags', {
    registryId,
    repository,
    tags: preview.items.map((i) => i.tag),
    mode: preview.mode,
    expectedDigests,
    ...(referrers.length > 0 ? { referrers: [...referrers] } : {}),
  })
  if (!result.ok) return result
  const { results } = result.value
  const removed = new Set(results.flatMap((r) => (r.ok ? r.removedTags : [])))
  const referrerResults = results.flatMap((r) => r.referrers ?? [])
  for (const referrer of referrerResults) if (referrer.ok && referrer.tag !== null) removed.add(referrer.tag)
  const failed = results.filter((r) => !r.ok).length + referrerResults.filter((r) => !r.ok).length
  showToast(
    failed === 0
      ? { kind: 'success', title: `Deleted ${removed.size} tag${removed.size === 1 ? '' : 's'}` }
      : { kind: 'error', title: `${failed} of ${results.length + referrerResults.length} deletions failed` },
  )
  const openTag = useView.getState().tag
  if (openTag !== null && removed.has(openTag)) useView.getState().update({ tag: null })
  void refreshAfterDelete()
  return result
}

async function refreshAfterDelete(): Promise<void> {
  await useTags.getState().refresh()
  useSelection.getState().prune(useTags.getState().tags)
}
