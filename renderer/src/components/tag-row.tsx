// One row of the tag table. Registry data is untrusted: everything renders as text, long values
// ellipsize, and `dir="auto"` keeps a right-to-left tag from reordering its neighbours.
import { memo, type MouseEvent } from 'react'
import { formatBytes, formatRelativeDate } from '../../../shared/format'
import type { TagDetails } from '../../../shared/types'
import type { TagRow } from '../model/tag-rows'
import { dateSourceLabel, dateSourceShort, displayDate, kindLabel, platformSummary, shortDigest } from '../model/tag-summary'
import { useSelection } from '../stores/selection'
import { useTags } from '../stores/tags'
import { useView } from '../stores/view'
import { copyText } from './copy-menu'
import { CopyIcon } from './icons'

export const rowHeight = 30

interface TagRowProps {
  row: TagRow
  index: number
  top: number
  order: readonly string[]
  registryId: string
  repository: string
}

export const TagRowView = memo(function TagRowView({ row, index, top, order }: TagRowProps) {
  const { tag, result } = row
  const selected = useSelection((s) => s.selected.has(tag))
  const focused = useSelection((s) => s.focus === tag)
  const click = useSelection((s) => s.click)
  const detailsOpen = useView((s) => s.tag !== null)
  const update = useView((s) => s.update)
  const retry = useTags((s) => s.retry)

  const onClick = (e: MouseEvent) => {
    const toggle = e.ctrlKey || e.metaKey
    click(order, tag, { shift: e.shiftKey, toggle })
    // The details panel follows a plain click once it is open.
    if (detailsOpen && !e.shiftKey && !toggle) update({ tag })
  }

  const className = ['row', index % 2 === 1 ? 'odd' : '', selected ? 'selected' : '', focused ? 'focused' : ''].filter(Boolean).join(' ')
  return (
    <div
      className={className}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-tag={tag}
      style={{ transform: `translateY(${top}px)` }}
      onClick={onClick}
      onDoubleClick={() => update({ tag })}
    >
      <div role="gridcell" className="cell col-tag">
        <span className="tag-name" dir="auto" title={tag}>
          {tag}
        </span>
      </div>
      {result === undefined ? <PendingCells /> : result.ok ? <DetailCells d={result.details} /> : <ErrorCells message={result.error.message} fix={result.error.fix} onRetry={() => retry([tag])} />}
    </div>
  )
})

function PendingCells() {
  return (
    <>
      {['digest', 'size', 'date', 'platforms', 'type'].map((c) => (
        <div key={c} role="gridcell" className={`cell col-${c}`} aria-busy="true">
          <span className={`skeleton skeleton-text skeleton-${c}`} />
        </div>
      ))}
    </>
  )
}

function ErrorCells({ message, fix, onRetry }: { message: string; fix: string | undefined; onRetry: () => void }) {
  return (
    <div role="gridcell" className="cell col-error" title={fix ? `${message}\n${fix}` : message}>
      <span className="row-error-icon" aria-hidden="true">
        !
      </span>
      <span className="row-error-text" dir="auto">
        {message}
      </span>
      <button
        type="button"
        className="link-button"
        onClick={(e) => {
          e.stopPropagation()
          onRetry()
        }}
      >
        Retry
      </button>
    </div>
  )
}

function DetailCells({ d }: { d: TagDetails }) {
  const date = displayDate(d)
  const pushedToo = typeof d.pushed === 'string' && date.source !== 'pushed'
  const platforms = platformSummary(d, 2)
  const allPlatforms = platformSummary(d, Number.POSITIVE_INFINITY)
  return (
    <>
      <div role="gridcell" className="cell col-digest">
        <span className="mono digest" title={d.digest}>
          {/* The algorithm prefix is the same on every row: 12 hex digits identify it, as in `docker images`. */}
          {shortDigest(d.digest).replace(/^sha256:/, '')}
        </span>
        <button
          type="button"
          className="copy-inline"
          aria-label="Copy digest"
          title="Copy the full digest"
          onClick={(e) => {
            e.stopPropagation()
            void copyText(d.digest, 'digest')
          }}
        >
          <CopyIcon />
        </button>
      </div>
      <div role="gridcell" className="cell col-size num" title={d.sizeNote}>
        {formatBytes(d.size)}
      </div>
      <div
        role="gridcell"
        className="cell col-date"
        title={`${date.iso ? `${date.iso} — ${dateSourceLabel(date.source)}` : dateSourceLabel(date.source)}${pushedToo ? `; pushed ${d.pushed ?? ''} (registry API)` : ''}`}
      >
        <span className={date.iso ? '' : 'muted'}>{pushedToo ? compactAgo(formatRelativeDate(date.iso)) : formatRelativeDate(date.iso)}</span>
        {date.iso && date.source !== 'config' ? <span className="date-source">{dateSourceShort(date.source)}</span> : null}
        {/* Build and push dates differ for retagged or rebuilt images: show both when the registry's API gives a push date. */}
        {pushedToo ? <span className="date-source date-pushed" style={{ flexShrink: 0 }}>pushed {compactAge(formatRelativeDate(d.pushed ?? null))}</span> : null}
      </div>
      <div role="gridcell" className="cell col-platforms" title={allPlatforms}>
        {platforms === '' ? <span className="muted">—</span> : <span dir="auto">{platforms}</span>}
      </div>
      <div role="gridcell" className="cell col-type" title={d.artifactType ?? d.mediaType}>
        <span className={`kind-badge kind-${d.kind}`}>{kindLabel(d)}</span>
        {d.kind === 'artifact' && d.artifactType ? (
          <span className="artifact-type mono" dir="auto">
            {d.artifactType}
          </span>
        ) : null}
      </div>
    </>
  )
}

/** "3 days ago" → "3d": the push date shares the narrow date cell with the build date. */
function compactAge(relative: string): string {
  const units: Record<string, string> = { second: 's', minute: 'min', hour: 'h', day: 'd', week: 'w', month: 'mo', year: 'y' }
  const m = /^(\d+) (second|minute|hour|day|week|month|year)s? ago$/.exec(relative)
  return m?.[1] && m[2] ? `${m[1]}${units[m[2]] ?? ''}` : relative
}

function compactAgo(relative: string): string {
  const short = compactAge(relative)
  return short === relative ? relative : `${short} ago`
}
