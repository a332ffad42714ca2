// "Storage…" (issue 21 §5): what a registry's repositories, or one repository's tags, really use,
// with blobs counted once. The registry view draws sorted horizontal bars as plain divs with a
// width: no chart library (no new dependency for one bar list), the figures stay real text a screen
// reader reads in a list, and the bars take the theme's tokens so light and dark both work. The
// repository view's pictures (shared, size over time, biggest images) are in storage-charts.tsx.
import { useEffect, useMemo, useState } from 'react'
import { formatBytes } from '../../../shared/format'
import type { RegistryUsage, ReportedSize, RepositoryUsage, UsageProgress } from '../../../shared/usage'
import { shortDigest } from '../model/tag-summary'
import { useStorage } from '../stores/storage'
import { useView } from '../stores/view'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import { RegistryText } from './registry-text'
import { imagesOf, sharedSplit } from '../model/storage-charts'
import { BiggestImages, RegistrySharedFigure, SharedFigure, SizeOverTime } from './storage-charts'
import { garbageCollectionText, StorageEffectView } from './storage-effect'
import { StorageTagTable, type TagSort } from './storage-tag-table'
import './storage-view.css'

interface StorageViewProps {
  registryId: string
  /** Null: every repository of the registry. */
  repository: string | null
  onClose: () => void
}

export function StorageView({ registryId, repository, onClose }: StorageViewProps) {
  const phase = useStorage((s) => s.phase)
  const measure = useStorage((s) => s.measure)
  const cancel = useStorage((s) => s.cancel)
  const close = useStorage((s) => s.close)
  const update = useView((s) => s.update)

  useEffect(() => {
    void measure({ registryId, repository })
    return () => close()
  }, [registryId, repository, measure, close])

  const title = repository ? `Storage of ${repository}` : 'Storage of the registry'
  return (
    <Modal title={title} onClose={onClose} wide>
      {phase.kind === 'measuring' ? <MeasuringView progress={phase.progress} cancelling={phase.cancelling} onCancel={cancel} /> : null}
      {phase.kind === 'failed' ? <ErrorView error={phase.error} onRetry={() => void measure({ registryId, repository })} /> : null}
      {phase.kind === 'done' && phase.result.scope === 'registry' ? (
        <RegistryStorage
          usage={phase.result.usage}
          onOpen={(repo) => {
            update({ registryId, repository: repo, tag: null })
            onClose()
          }}
        />
      ) : null}
      {phase.kind === 'done' && phase.result.scope === 'repository' ? (
        <RepositoryStorage
          usage={phase.result.usage}
          onOpenTag={(tag) => {
            update({ registryId, repository, tag })
            onClose()
          }}
        />
      ) : null}
      <div className="dialog-actions">
        {phase.kind === 'done' ? (
          <button type="button" className="button" onClick={() => void measure({ registryId, repository })}>
            Measure again
          </button>
        ) : null}
        <button type="button" className="button primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}

function MeasuringView({ progress, cancelling, onCancel }: { progress: UsageProgress | null; cancelling: boolean; onCancel: () => void }) {
  const done = progress?.tagsDone ?? 0
  const total = progress?.tagsTotal ?? 0
  return (
    <div className="storage-measuring">
      <progress max={Math.max(total, 1)} value={done} aria-label="Tags measured" />
      <p role="status">
        {progress
          ? `${progress.repositoriesDone} of ${progress.repositoriesTotal} repositories, ` +
            `${done.toLocaleString('en')} of ${total.toLocaleString('en')} tags` +
            (progress.repository ? ` — ${progress.repository}` : '')
          : 'Starting…'}
      </p>
      <button type="button" className="button" onClick={onCancel} disabled={cancelling}>
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  )
}

function Reported({ reported }: { reported: ReportedSize | null }) {
  if (!reported) return null
  const source = reported.source === 'gitlab-registry-api' ? "GitLab's registry API" : "GitLab's REST API"
  const diff = reported.differenceBytes
  return (
    <p className="storage-reported">
      {source} reports {formatBytes(reported.bytes)}
      {diff === null || diff === 0 ? '' : `, ${formatBytes(Math.abs(diff))} ${diff > 0 ? 'more' : 'less'} than Berth's sum`}.{' '}
      {reported.note}
    </p>
  )
}

function RegistryStorage({ usage, onOpen }: { usage: RegistryUsage; onOpen: (repository: string) => void }) {
  const largest = usage.repositories.reduce((m, r) => Math.max(m, r.totalBytes), 1)
  return (
    <div className="storage-view">
      <p className="storage-total">
        <strong>{formatBytes(usage.totalBytes)}</strong> in {usage.repositories.length} repositories, shared blobs counted once (
        {formatBytes(usage.sumOfRepositoryBytes)} if each repository is added up).
      </p>
      <Reported reported={usage.reported} />
      <RegistrySharedFigure
        totalBytes={usage.totalBytes}
        sumOfRepositoryBytes={usage.sumOfRepositoryBytes}
        sharedAcrossRepositoriesBytes={usage.sharedAcrossRepositoriesBytes}
      />
      <p className="storage-note">{usage.attribution}</p>
      <ul className="storage-bars" aria-label="Repositories by size">
        {usage.repositories.map((row) => (
          <li key={row.repository}>
            <button type="button" className="storage-bar-row" onClick={() => onOpen(row.repository)}>
              <span className="storage-bar-name mono" dir="auto" title={row.repository}>
                <RegistryText text={row.repository} />
              </span>
              <span className="storage-bar-track" aria-hidden="true">
                <span className="storage-bar exclusive" style={{ width: `${(row.exclusiveBytes / largest) * 100}%` }} />
                <span className="storage-bar shared" style={{ width: `${(row.sharedBytes / largest) * 100}%` }} />
              </span>
              <span className="storage-bar-figure">
                {row.error
                  ? 'not measured'
                  : `${formatBytes(row.totalBytes)} · ${formatBytes(row.exclusiveBytes)} exclusive · ${row.tags.toLocaleString('en')} tags`}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <p className="storage-legend" aria-hidden="true">
        <span className="storage-swatch exclusive" /> exclusive <span className="storage-swatch shared" /> shared with other repositories
      </p>
    </div>
  )
}

function RepositoryStorage({ usage, onOpenTag }: { usage: RepositoryUsage; onOpenTag: (tag: string) => void }) {
  const [sort, setSort] = useState<TagSort>('bytes')
  const [selected, setSelected] = useState<string | null>(null)
  const images = useMemo(() => imagesOf(usage.tags), [usage.tags])
  const split = useMemo(() => sharedSplit(usage), [usage])
  const picked = selected === null ? undefined : usage.tags.find((t) => t.tag === selected)
  return (
    <div className="storage-view">
      <p className="storage-total">
        <strong>{formatBytes(usage.totalBytes)}</strong> reachable from {usage.tags.length.toLocaleString('en')} tags (
        {images.length.toLocaleString('en')} images), each blob counted once.
      </p>
      <Reported reported={usage.reported} />
      {usage.tags.length > 0 ? (
        <>
          <SharedFigure split={split} />
          <SizeOverTime images={images} selected={selected} onSelect={setSelected} />
          <BiggestImages images={images} selected={selected} onSelect={setSelected} />
        </>
      ) : null}
      <p className="storage-note">
        Unique: what only that tag uses, freed when its image is deleted. Shared: also used by other tags. Tags on one image share all of
        it.
      </p>
      {picked ? (
        <p className="storage-picked" role="status">
          <span className="mono" dir="auto">
            <RegistryText text={picked.tag} />
          </span>
          <span>
            {formatBytes(picked.bytes)} · {formatBytes(picked.uniqueBytes)} unique · {formatBytes(picked.sharedBytes)} shared
            {picked.date ? ` · ${picked.dateSource === 'pushed' ? 'pushed' : 'built'} ${picked.date.slice(0, 10)}` : ''}
          </span>
          <button type="button" className="button small" onClick={() => onOpenTag(picked.tag)}>
            Show in repository
          </button>
        </p>
      ) : null}
      <StorageTagTable tags={usage.tags} sort={sort} onSort={setSort} selected={selected} onSelect={setSelected} />
      <UntaggedSection usage={usage} />
    </div>
  )
}

function UntaggedSection({ usage }: { usage: RepositoryUsage }) {
  const step = useStorage((s) => s.untagged)
  const previewUntagged = useStorage((s) => s.previewUntagged)
  const deleteUntagged = useStorage((s) => s.deleteUntagged)
  const dismiss = useStorage((s) => s.dismissUntagged)
  const busy = step.kind === 'previewing' || step.kind === 'deleting'
  return (
    <section className="storage-untagged" aria-label="Untagged (seen before)">
      <h3>Untagged (seen before)</h3>
      {usage.untagged.length === 0 ? (
        <p className="muted">No image Berth saw behind a tag is stored untagged.</p>
      ) : (
        <>
          <p className="storage-note">
            Images a tag pointed at when Berth looked before, that no tag points at now: {formatBytes(usage.untaggedBytes)} only they use.
          </p>
          <ul className="storage-untagged-list">
            {usage.untagged.map((u) => (
              <li key={u.digest}>
                <span className="mono" title={u.digest}>
                  {shortDigest(u.digest)}
                </span>
                <span className="muted">{u.lastTags.length > 0 ? `was ${u.lastTags.join(', ')}` : ''}</span>
                <span>
                  {formatBytes(u.bytes)} · frees {formatBytes(u.freesBytes)}
                </span>
                <button
                  type="button"
                  className="button danger small"
                  disabled={busy}
                  onClick={() => void previewUntagged([u.digest])}
                  aria-label={`Delete ${shortDigest(u.digest)}…`}
                >
                  Delete…
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {step.kind === 'previewing' ? <p className="muted">Checking that no tag points at it…</p> : null}
      {step.kind === 'preview' || step.kind === 'deleting' ? (
        <div className="storage-confirm" role="group" aria-label="Confirm deleting untagged images">
          <p>
            Delete {step.preview.items.map((i) => shortDigest(i.digest)).join(', ')} by digest? No tag points at it
            {step.preview.items.some((i) => i.alsoDeleted.length > 0) ? '; its platform manifests go with it' : ''}.
          </p>
          <StorageEffectView freesBytes={step.preview.freesBytes} keptBytes={step.preview.keptBytes} storage={step.preview.storage} />
          <div className="dialog-actions">
            <button type="button" className="button" onClick={dismiss} disabled={step.kind === 'deleting'}>
              Keep it
            </button>
            <button type="button" className="button danger" onClick={() => void deleteUntagged()} disabled={step.kind === 'deleting'}>
              {step.kind === 'deleting' ? 'Deleting…' : 'Delete by digest'}
            </button>
          </div>
        </div>
      ) : null}
      {step.kind === 'deleted' ? (
        <p role="status">
          {step.results.filter((r) => r.ok).length} of {step.results.length} deleted.
          {step.results
            .filter((r) => !r.ok)
            .map((r) => ` ${shortDigest(r.digest)}: ${r.error?.message ?? 'failed'}`)
            .join('')}
        </p>
      ) : null}
      {step.kind === 'failed' ? <ErrorView error={step.error} /> : null}
      <p className="gc-note">
        {step.kind === 'deleted' && step.note
          ? step.note
          : garbageCollectionText(
              step.kind === 'preview' || step.kind === 'deleting' ? step.preview.storage : null,
              "Deleting removes references only: the registry's garbage collector frees the disk when its administrator runs it.",
            )}
      </p>
    </section>
  )
}
