// One row of the tag table. Registry data is untrusted: everything renders as text, long values
// ellipsize, and `dir="auto"` keeps a right-to-left tag from reordering its neighbours.
// A row re-renders only when its own row object, place or selection changes: actions are read
// from the stores when clicked, not subscribed to, and the display order is looked up on click.
import { memo, type MouseEvent } from 'react'
import { formatBytes } from '../../../shared/format'
import type { TagDetails } from '../../../shared/types'
import type { Checking, TagRow } from '../model/tag-rows'
import { relativeDate } from '../model/relative-date'
import { dateSourceLabel, dateSourceShort, displayDate, kindLabel, platformSummary, shortDigest } from '../model/tag-summary'
import { currentDisplay } from '../stores/display'
import { useSelection } from '../stores/selection'
import { useTags } from '../stores/tags'
import { useView } from '../stores/view'
import { copyText } from './copy-menu'
import { CopyIcon } from './icons'
import { RegistryText } from './registry-text'
import './tag-row.css'

export const rowHeight = 30

/** The tooltip of a row whose values the registry has not confirmed in this load yet. */
export function checkingTitle(checking: Exclude<Checking, null>): string {
  return checking === 'cache' ? 'From cache, checking with the registry…' : 'Earlier answer, checking with the registry…'
}

interface TagRowProps {
  row: TagRow
  index: number
  top: number
}

export const TagRowView = memo(function TagRowView({ row, index, top }: TagRowProps) {
  const { tag, result, checking } = row
  const selected = useSelection((s) => s.selected.has(tag))
  const focused = useSelection((s) => s.focus === tag)

  const onClick = (e: MouseEvent) => {
    const toggle = e.ctrlKey || e.metaKey
    useSelection.getState().click(currentDisplay().order, tag, { shift: e.shiftKey, toggle })
    // The details panel follows a plain click once it is open.
    const view = useView.getState()
    if (view.tag !== null && !e.shiftKey && !toggle) view.update({ tag })
  }

  const unconfirmed = checking !== null && result !== undefined
  const className = [
    'row',
    index % 2 === 1 ? 'odd' : '',
    selected ? 'selected' : '',
    focused ? 'focused' : '',
    unconfirmed ? 'checking' : '',
  ]
    .filter(Boolean)
    .join(' ')
  return (
    <div
      className={className}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-tag={tag}
      data-checking={unconfirmed ? checking : undefined}
      style={{ transform: `translateY(${top}px)` }}
      onClick={onClick}
      onDoubleClick={() => useView.getState().update({ tag })}
    >
      <div role="gridcell" className="cell col-tag">
        <span className="tag-name" dir="auto" title={tag}>
          <RegistryText text={tag} />
        </span>
      </div>
      {result === undefined ? (
        <PendingCells />
      ) : result.ok ? (
        <DetailCells d={result.details} checking={checking} />
      ) : (
        <ErrorCells
          message={result.error.message}
          fix={result.error.fix}
          checking={checking}
          onRetry={() => useTags.getState().retry([tag])}
        />
      )}
    </div>
  )
})

// The cells are memoised apart from the row: while a date sort takes in answers, rows move (a new
// `top` and `index` each frame) but their details do not, so only the row's own attributes change.
const PendingCells = memo(function PendingCells() {
  return (
    <>
      {['digest', 'size', 'date', 'platforms', 'type'].map((c) => (
        <div key={c} role="gridcell" className={`cell col-${c}`} aria-busy="true">
          <span className={`skeleton skeleton-text skeleton-${c}`} />
        </div>
      ))}
    </>
  )
})

function ErrorCells({
  message,
  fix,
  checking,
  onRetry,
}: {
  message: string
  fix: string | undefined
  checking: Checking
  onRetry: () => void
}) {
  return (
    <div
      role="gridcell"
      className="cell col-error"
      title={[message, fix, checking !== null ? checkingTitle(checking) : undefined].filter(Boolean).join('\n')}
      aria-busy={checking !== null ? true : undefined}
    >
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

const DetailCells = memo(function DetailCells({ d, checking }: { d: TagDetails; checking: Checking }) {
  const date = displayDate(d)
  const pushedToo = typeof d.pushed === 'string' && date.source !== 'pushed'
  const platforms = platformSummary(d, 2)
  const allPlatforms = platformSummary(d, Number.POSITIVE_INFINITY)
  return (
    <>
      {/* A checked row differs from a checking one only in attributes, and the mark is CSS
          (tag-row.css .row.checking): turning hundreds of rows solid as answers arrive mounts and
          unmounts nothing. aria-busy: the digest is what is being checked; it may still change. */}
      <div
        role="gridcell"
        className="cell col-digest"
        aria-busy={checking !== null ? true : undefined}
        title={checking !== null ? checkingTitle(checking) : undefined}
      >
        <span className="mono digest" title={checking !== null ? `${d.digest}\n${checkingTitle(checking)}` : d.digest}>
          {/* The algorithm prefix is the same on every row: 12 hex digits identify it, as in `docker images`. */}
          {shortDigest(d.digest).replace(/^sha256:/, '')}
        </span>
        {/* No copy until the registry confirms the digest: the tag may point elsewhere by now. */}
        <button
          type="button"
          className="copy-inline"
          aria-label="Copy digest"
          title="Copy the full digest"
          hidden={checking !== null}
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
        title={
          (date.iso ? `${date.iso} — ${dateSourceLabel(date.source)}` : dateSourceLabel(date.source)) +
          (pushedToo ? `; pushed ${d.pushed ?? ''} (registry API)` : '')
        }
      >
        <span className={date.iso ? '' : 'muted'}>{pushedToo ? compactAgo(relativeDate(date.iso)) : relativeDate(date.iso)}</span>
        {date.iso && date.source !== 'config' ? <span className="date-source">{dateSourceShort(date.source)}</span> : null}
        {/* Build and push dates differ for retagged or rebuilt images: show both when the registry's API gives a push date. */}
        {pushedToo ? (
          <span className="date-source date-pushed" style={{ flexShrink: 0 }}>
            pushed {compactAge(relativeDate(d.pushed ?? null))}
          </span>
        ) : null}
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
})

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
