// Deleting names exactly what will go (docs/registry-notes.md "Every destructive action goes through a dialog"):
// preview first; tag mode lists the tags, digest mode every tag on each digest (they all vanish);
// the confirmed digests are sent back so a tag that moved since the preview is refused.
//
// Rows in the table may still be "checking" (cached or earlier values). The dialog never takes a
// digest from the table: the preview is itself the check — the core resolves every selected tag
// with the registry — and Delete stays disabled until it has answered. That is what a user expects
// of "Delete…": it opens at once and shows the current truth, rather than refusing to open until
// the table has caught up. Where the registry's answer differs from what the row showed, the
// preview says so, so nobody confirms a digest they did not see.
import { useCallback, useEffect, useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import { garbageCollectionNote, type DeleteMode, type DeletePreview, type DeleteResult } from '../../../shared/types'
import { shortDigest } from '../model/tag-summary'
import { deleteTags, previewDelete } from '../stores/actions/delete-tags'
import { registryById, useRegistries } from '../stores/registries'
import { useTags } from '../stores/tags'
import { ErrorView } from './error-view'
import { garbageCollectionText, StorageEffectView } from './storage-effect'
import { Modal } from './modal'
import { RegistryText } from './registry-text'
import { DeleteReferrersChoice, ReferrerResults, referrersCount } from './delete-referrers'
import './delete-dialog.css'

type Phase =
  | { kind: 'previewing' }
  | { kind: 'preview'; preview: DeletePreview }
  | { kind: 'deleting'; preview: DeletePreview }
  | { kind: 'done'; results: DeleteResult[]; note: string }
  | { kind: 'error'; error: BerthErrorData }

interface DeleteDialogProps {
  registryId: string
  repository: string
  tags: string[]
  onClose: () => void
}

/** Every tag that disappears, deduplicated, in the order the preview lists them. */
export function tagsThatGo(preview: DeletePreview): string[] {
  const all = new Set<string>()
  for (const item of preview.items) {
    all.add(item.tag)
    if (preview.mode === 'digest') for (const t of item.alsoRemoved) all.add(t)
  }
  return [...all]
}

export function DeleteDialog({ registryId, repository, tags, onClose }: DeleteDialogProps) {
  const [mode, setMode] = useState<DeleteMode>('tag')
  const [phase, setPhase] = useState<Phase>({ kind: 'previewing' })
  // Referrers the delete would leave dangling go too unless the user unticks them.
  const [withReferrers, setWithReferrers] = useState(true)
  // What the table showed when the dialog opened, to compare with the registry's answer.
  const [shown] = useState(() => shownDigests(tags))
  // Docker Hub, for one, deletes tags only: offer the digest delete where the registry's provider can do it.
  const canDeleteDigest = useRegistries((state) => registryById(state.registries, registryId)?.capabilities.digestDelete ?? true)

  const preview = useCallback(async () => {
    setPhase({ kind: 'previewing' })
    const result = await previewDelete(registryId, repository, tags, mode)
    setPhase(result.ok ? { kind: 'preview', preview: result.value } : { kind: 'error', error: result.error })
  }, [registryId, repository, tags, mode])

  useEffect(() => {
    void preview()
  }, [preview])

  const confirm = async (p: DeletePreview) => {
    setPhase({ kind: 'deleting', preview: p })
    const result = await deleteTags(registryId, repository, p, withReferrers && !p.referrersBlocked ? (p.referrers ?? []) : [])
    setPhase(result.ok ? { kind: 'done', results: result.value.results, note: result.value.note } : { kind: 'error', error: result.error })
  }

  const busy = phase.kind === 'deleting' || phase.kind === 'previewing'
  const count = tags.length
  const title =
    phase.kind === 'done'
      ? `${phase.results.filter((r) => r.ok).length} of ${phase.results.length} deleted`
      : count === 1
        ? `Delete ${tags[0] ?? ''}?`
        : `Delete ${count} tags?`
  return (
    <Modal title={title} onClose={onClose} busy={phase.kind === 'deleting'} wide>
      {phase.kind !== 'done' ? (
        <div className="segmented mode-switch" role="radiogroup" aria-label="What to delete">
          <button type="button" role="radio" aria-checked={mode === 'tag'} disabled={busy} onClick={() => setMode('tag')}>
            Only {count === 1 ? 'this tag' : 'these tags'}
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={mode === 'digest'}
            disabled={busy || !canDeleteDigest}
            title={canDeleteDigest ? undefined : 'This registry deletes tags only, never a manifest by digest.'}
            onClick={() => setMode('digest')}
          >
            The whole image (digest)
          </button>
        </div>
      ) : null}
      {phase.kind === 'previewing' ? <p className="muted">Resolving what would be deleted…</p> : null}
      {phase.kind === 'error' ? <ErrorView error={phase.error} onRetry={() => void preview()} /> : null}
      {phase.kind === 'preview' || phase.kind === 'deleting' ? <PreviewList preview={phase.preview} shown={shown} /> : null}
      {phase.kind === 'preview' || phase.kind === 'deleting' ? (
        <DeleteReferrersChoice
          preview={phase.preview}
          checked={withReferrers}
          disabled={phase.kind === 'deleting'}
          onChange={setWithReferrers}
        />
      ) : null}
      {phase.kind === 'done' ? <ResultList results={phase.results} note={phase.note} /> : null}
      {phase.kind === 'done' ? <ReferrerResults results={phase.results} /> : null}
      <p className="gc-note">
        {garbageCollectionText(phase.kind === 'preview' || phase.kind === 'deleting' ? phase.preview.storage : null, garbageCollectionNote)}
      </p>
      <div className="dialog-actions">
        {phase.kind === 'done' ? (
          <button type="button" className="button primary" onClick={onClose}>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="button" onClick={onClose} disabled={phase.kind === 'deleting'}>
              Cancel
            </button>
            <button
              type="button"
              className="button danger"
              disabled={phase.kind !== 'preview'}
              onClick={() => phase.kind === 'preview' && void confirm(phase.preview)}
            >
              {phase.kind === 'deleting'
                ? 'Deleting…'
                : phase.kind === 'preview'
                  ? `Delete ${tagsThatGo(phase.preview).length} tag${tagsThatGo(phase.preview).length === 1 ? '' : 's'}` +
                    referrersClause(phase.preview, withReferrers)
                  : 'Delete'}
            </button>
          </>
        )}
      </div>
    </Modal>
  )
}

function referrersClause(preview: DeletePreview, withReferrers: boolean): string {
  const count = preview.referrers?.length ?? 0
  return withReferrers && count > 0 && !preview.referrersBlocked ? ` and ${referrersCount(count)}` : ''
}

/** Each tag's digest as its row showed it (checked or not); absent when the row had none. */
function shownDigests(tags: readonly string[]): Map<string, string> {
  const rows = useTags.getState().rows
  const out = new Map<string, string>()
  for (const tag of tags) {
    const row = rows.get(tag)
    if (row?.result?.ok) out.set(tag, row.result.details.digest)
  }
  return out
}

function PreviewList({ preview, shown }: { preview: DeletePreview; shown: ReadonlyMap<string, string> }) {
  const going = tagsThatGo(preview)
  const extra = going.length - preview.items.length
  return (
    <div className="delete-preview">
      <p>
        {preview.mode === 'tag'
          ? `${going.length === 1 ? 'This tag is' : `These ${going.length} tags are`} removed. Other tags on the same images stay.`
          : `Each image is deleted by digest: every tag pointing at it disappears${extra > 0 ? ` — ${extra} more than you selected` : ''}.`}
      </p>
      <ul className="delete-list">
        {preview.items.map((item) => (
          <li key={item.tag}>
            <span className="mono tag-name" dir="auto">
              <RegistryText text={item.tag} />
            </span>
            <span className="mono muted" title={item.digest}>
              {shortDigest(item.digest)}
            </span>
            {shown.has(item.tag) && shown.get(item.tag) !== item.digest ? (
              <span className="moved-note" title={`The table showed ${shown.get(item.tag) ?? ''}`}>
                moved: the table showed {shortDigest(shown.get(item.tag) ?? '')}
              </span>
            ) : null}
            {preview.mode === 'tag' && item.stillTagged && item.stillTagged.length > 0 ? (
              <span className="muted still-tagged">frees nothing: the image stays tagged as {item.stillTagged.join(', ')}</span>
            ) : null}
            {preview.mode === 'digest' && item.alsoRemoved.filter((t) => t !== item.tag).length > 0 ? (
              <span className="also">
                also removes{' '}
                {item.alsoRemoved
                  .filter((t) => t !== item.tag)
                  .map((t) => (
                    <span key={t} className="chip mono danger" dir="auto">
                      <RegistryText text={t} />
                    </span>
                  ))}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <StorageEffectView
        freesBytes={preview.freesBytes}
        keptBytes={preview.keptBytes}
        storage={preview.storage}
        allStillTagged={preview.mode === 'tag' && preview.items.every((i) => (i.stillTagged?.length ?? 0) > 0)}
      />
    </div>
  )
}

function ResultList({ results, note }: { results: DeleteResult[]; note: string }) {
  return (
    <div className="delete-results">
      <ul className="delete-list">
        {results.map((r) => (
          <li key={r.tag} className={r.ok ? 'ok' : 'failed'}>
            <span className="result-icon" aria-hidden="true">
              {r.ok ? '✓' : '!'}
            </span>
            <span className="mono tag-name" dir="auto">
              <RegistryText text={r.tag} />
            </span>
            {r.ok ? (
              <span className="muted">
                {r.removedTags.length > 1 ? `deleted with ${r.removedTags.filter((t) => t !== r.tag).join(', ')}` : 'deleted'}
              </span>
            ) : (
              <span className="result-error" dir="auto">
                {r.error?.message ?? 'failed'}
                {r.error?.fix ? <span className="muted"> — {r.error.fix}</span> : null}
              </span>
            )}
          </li>
        ))}
      </ul>
      {note && note !== garbageCollectionNote ? <p className="muted small">{note}</p> : null}
    </div>
  )
}
