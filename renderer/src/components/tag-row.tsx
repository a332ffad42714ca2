// One row of the tag table. Registry data is untrusted: everything renders as text, long values
// ellipsize, and `dir="auto"` keeps a right-to-left tag from reordering its neighbours.
// A row re-renders only when its own row object, place or selection changes: actions are read
// from the stores when clicked, not subscribed to, and the display order is looked up on click.
import { memo, type MouseEvent } from 'react'
import { formatBytes } from '../../../shared/format'
import type { TagDetails } from '../../../shared/types'
import type { Checking, TagRow } from '../model/tag-rows'
import { relativeDate } from '../model/relative-date'
import { dateSourceLabel, dateSourceShort, displayDate, platformSummary, shortDigest } from '../model/tag-summary'
import { KindBadge, kindTitle } from './kind-badge'
import { currentDisplay } from '../stores/display'
import { useSelection } from '../stores/selection'
import { useTags } from '../stores/tags'
import { useReferrerView } from '../stores/referrer-view'
import type { ReferrerGroup } from '../../../shared/referrer-tags'
import { useView } from '../stores/view'
import { copyText } from './copy-menu'
import { CopyIcon } from './icons'
import { RegistryText } from './registry-text'
import { SignatureMark } from './signature-views'
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
  /** Its image's referrer tags (a subject row): the badge, which opens the group. */
  referrers?: ReferrerGroup | undefined
  referrersOpen?: boolean
  /** A referrer tag's own row: whose it is ("referrer of 1.0", or of an untagged digest). */
  referrerOf?: string | undefined
}

export const TagRowView = memo(function TagRowView({ row, index, top, referrers, referrersOpen = false, referrerOf }: TagRowProps) {
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
    referrerOf !== undefined ? 'referrer-row' : '',
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
        <span className="tag-name" dir="auto" title={referrerOf !== undefined ? `${tag}\n${referrerOf}` : tag}>
          {referrerOf !== undefined ? <ReferrerTagText tag={tag} /> : <RegistryText text={tag} />}
        </span>
        {referrerOf !== undefined ? <span className="referrer-of">{referrerOf}</span> : null}
        {/* Compact marks at the cell's end: they line up row under row, and the name keeps the room. */}
        {result?.ok === true || referrers ? (
          <span className="tag-marks">
            {referrers ? <ReferrersBadge group={referrers} open={referrersOpen} /> : null}
            {result?.ok === true ? (
              <SignatureMark digest={result.details.digest} reserve={referrers !== undefined && referrers.counts.signature > 0} />
            ) : null}
          </span>
        ) : null}
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

/**
 * `sha256-<hex>.att` and its `.sig`, `.sbom` siblings differ only at the end: the digest ellipsizes
 * and the suffix stays, so the rows can be told apart in a narrow column. The text is the whole tag.
 */
function ReferrerTagText({ tag }: { tag: string }) {
  const suffix = /^sha256-[0-9a-f]+(\.[a-z]+)$/.exec(tag)?.[1]
  if (suffix === undefined) {
    return (
      <span className="tag-name-head">
        <RegistryText text={tag} />
      </span>
    )
  }
  return (
    <>
      <span className="tag-name-head">{tag.slice(0, -suffix.length)}</span>
      <span className="tag-name-tail">{suffix}</span>
    </>
  )
}

/** A paperclip and how many: the image's referrer tags, shown (or hidden) under it on a click. */
function ReferrersBadge({ group, open }: { group: ReferrerGroup; open: boolean }) {
  const { signature, sbom, attestation, other } = group.counts
  const count = signature + sbom + attestation + other
  const action = open ? 'hide its referrer tags' : `show its ${group.members.length} referrer tag${group.members.length === 1 ? '' : 's'}`
  return (
    <button
      type="button"
      className="referrers-badge"
      aria-expanded={open}
      aria-label={group.text}
      title={`${group.text}: click to ${action}`}
      onClick={(e) => {
        e.stopPropagation()
        const tags = useTags.getState()
        useReferrerView.getState().toggleGroup(`${tags.registryId ?? ''}/${tags.repository ?? ''}`, group.subject)
      }}
    >
      <PaperclipIcon />
      <span className="referrers-count">{count.toLocaleString('en')}</span>
    </button>
  )
}

function PaperclipIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d="M13 7.4 8.1 12.3a3.2 3.2 0 0 1-4.5-4.5l5.1-5.1a2.1 2.1 0 0 1 3 3L6.6 10.8a1 1 0 0 1-1.5-1.5l4.6-4.6" />
    </svg>
  )
}

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
  const listed = platformsOf(d)
  const platforms = platformSummary(listed, 2)
  const allPlatforms = platformSummary(listed, Number.POSITIVE_INFINITY)
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
      <div role="gridcell" className="cell col-platforms" title={allPlatforms || noPlatformTitle(d)}>
        {platforms === '' ? <span className="muted">—</span> : <span dir="auto">{platforms}</span>}
      </div>
      <div role="gridcell" className="cell col-type" title={kindTitle(d)}>
        <KindBadge details={d} detailClassName="artifact-type" plainImage />
      </div>
    </>
  )
})

type PlatformFields = Pick<TagDetails, 'platforms' | 'attestations' | 'platform'>

// An index entry without a platform reads as "unknown/unknown": a referrers index's entries (signatures,
// SBOMs, attestations) never have one. It is not a platform, so the cell leaves it out.
const isPlatform = (p: { os: string; architecture: string }): boolean => !(p.os === 'unknown' && p.architecture === 'unknown')

function platformsOf(d: TagDetails): PlatformFields {
  const platforms = d.platforms.every(isPlatform) ? d.platforms : d.platforms.filter(isPlatform)
  const platform = d.platform && isPlatform(d.platform) ? d.platform : undefined
  if (platforms === d.platforms && platform === d.platform) return d
  return { platforms, attestations: d.attestations, ...(platform ? { platform } : {}) }
}

function noPlatformTitle(d: TagDetails): string {
  if (d.referrerEntries !== undefined) return 'A referrers index: its entries are signatures, SBOMs or attestations, not platforms'
  return d.platforms.length > 0 ? 'Its entries name no platform' : 'No platform known'
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
