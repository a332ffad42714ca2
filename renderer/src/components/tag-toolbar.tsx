// Above the table: where we are, how far details have loaded, the filter, the sort, and the actions
// for the selected tags.
import { artifactOfDetails } from '../../../shared/artifact-kind'
import { useRef } from 'react'
import type { Display } from '../stores/display'
import { sortKeys, type SortKey } from '../model/view-hash'
import { registryHost } from '../model/tag-summary'
import { selectedInOrder } from '../model/selection'
import { verifiedDetailsOf } from '../model/tag-rows'
import { registryById, useRegistries } from '../stores/registries'
import { useSelection } from '../stores/selection'
import { useTags } from '../stores/tags'
import { useView } from '../stores/view'
import { useDialogs } from '../stores/dialogs'
import { CopyMenu } from './copy-menu'
import { SelectionCopyActions } from './copy-actions'
import { LinkMenu } from './link-menu'
import { ArrowIcon, RefreshIcon, TrashIcon } from './icons'
import { RegistryText } from './registry-text'
import { RateLimitBadge } from './rate-limit-badge'
import { useReferrerView, viewFor } from '../stores/referrer-view'
import { PlatformFilter } from './platform-filter'
import './tag-toolbar.css'

const sortLabels: Record<SortKey, string> = { name: 'Name', semver: 'Version', date: 'Date', size: 'Size' }

export const filterInputId = 'tag-filter'

export function TagToolbar({ registryId, repository, display }: { registryId: string; repository: string; display: Display }) {
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const total = useTags((s) => s.tags.length)
  const status = useTags((s) => s.status)
  const loaded = useTags((s) => s.loaded)
  const refresh = useTags((s) => s.refresh)
  const q = useView((s) => s.q)
  const mode = useView((s) => s.mode)
  const sort = useView((s) => s.sort)
  const dir = useView((s) => s.dir)
  const platform = useView((s) => s.platform)
  const update = useView((s) => s.update)
  const openTag = useView((s) => s.tag)
  const digest = useView((s) => s.digest)
  const selected = useSelection((s) => s.selected)
  const openDialog = useDialogs((s) => s.open)
  const inputRef = useRef<HTMLInputElement>(null)

  const selection = selectedInOrder({ selected, anchor: null, focus: null }, display.order)
  const single = selection.length === 1 ? selection[0] : undefined
  // Pull by digest only from a digest the registry confirmed in this load, never a cached one.
  const singleDigest = useTags((s) => (single !== undefined ? (verifiedDetailsOf(s.rows.get(single))?.digest ?? null) : null))
  const singleDetails = useTags((s) => (single !== undefined ? verifiedDetailsOf(s.rows.get(single)) : null))
  const checking = useTags((s) => s.checking)
  const loadingDetails = status === 'ready' && loaded < total
  const percent = total === 0 ? 0 : Math.round((loaded / total) * 100)

  return (
    <header className="toolbar">
      <div className="toolbar-title">
        <div className="breadcrumb">
          <span className="crumb-host mono" dir="auto">
            {registry ? registryHost(registry.url) : registryId}
          </span>
          <span className="crumb-sep" aria-hidden="true">
            /
          </span>
          <h1 className="crumb-repo mono" dir="auto" title={repository}>
            <RegistryText text={repository} />
          </h1>
        </div>
        <div className="toolbar-meta">
          {status === 'ready' ? (
            <span className="count-badge">
              {display.rows.length === total
                ? `${total.toLocaleString('en')} ${total === 1 ? 'tag' : 'tags'}`
                : `${display.rows.length.toLocaleString('en')} of ${total.toLocaleString('en')} ${total === 1 ? 'tag' : 'tags'}`}
            </span>
          ) : null}
          {/* Beside the counts rather than the actions, whose labels say it ("Delete 3…") and which
              need every pixel of their line beside the details panel. */}
          {selection.length > 0 ? <span className="selection-count">{selection.length.toLocaleString('en')} selected</span> : null}
          <ReferrerToggle registryId={registryId} repository={repository} display={display} />
          <RateLimitBadge registryId={registryId} />
          {loadingDetails ? (
            <span
              className="progress"
              role="progressbar"
              aria-label={checking ? 'Checking shown tag details with the registry' : 'Loading tag details'}
              title={checking ? 'Rows shown from cache or an earlier answer are being checked with the registry' : undefined}
              aria-valuenow={percent}
              aria-valuemin={0}
              aria-valuemax={100}
            >
              <span className="progress-track">
                <span className="progress-fill" style={{ width: `${percent}%` }} />
              </span>
              <span className="progress-text">
                {checking ? 'Checked' : 'Details'} {loaded.toLocaleString('en')} / {total.toLocaleString('en')}
              </span>
              {sort === 'date' || sort === 'size' ? (
                // The order covers every tag, but only those read so far can be placed: say how far it is.
                <span className="progress-sort muted" role="status">
                  sorting by {sort}: {loaded.toLocaleString('en')} of {total.toLocaleString('en')} known
                </span>
              ) : null}
            </span>
          ) : null}
          <button
            type="button"
            className="button ghost"
            title="Copy every tag, or those a pattern and an age pick, to another registry or repository (M)"
            onClick={() => openDialog({ kind: 'mirror', registryId, repository })}
          >
            Mirror repository…
          </button>
          <button
            type="button"
            className="button ghost"
            onClick={() => void refresh()}
            disabled={status === 'loading'}
            title="Reload the tag list"
          >
            <RefreshIcon /> Refresh
          </button>
        </div>
      </div>
      <div className="toolbar-controls">
        <div className={display.filterError ? 'filter invalid' : 'filter'}>
          <span className="filter-field">
            <input
              id={filterInputId}
              ref={inputRef}
              className="input filter-input"
              type="search"
              placeholder={mode === 'regex' ? 'Filter tags by regex, e.g. ^v1\\.' : 'Filter tags'}
              aria-label="Filter tags"
              aria-invalid={display.filterError !== null}
              aria-describedby={display.filterError ? 'filter-error' : undefined}
              value={q}
              spellCheck={false}
              onChange={(e) => update({ q: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  update({ q: '' })
                  inputRef.current?.blur()
                }
              }}
            />
            <kbd className="filter-kbd" aria-hidden="true">
              /
            </kbd>
          </span>
          <div className="segmented" role="group" aria-label="Filter mode">
            <button type="button" aria-pressed={mode === 'text'} onClick={() => update({ mode: 'text' })}>
              Text
            </button>
            <button
              type="button"
              aria-pressed={mode === 'regex'}
              onClick={() => update({ mode: 'regex' })}
              aria-label="Regular expression"
              title="Regular expression (JavaScript syntax)"
            >
              .*
            </button>
          </div>
          {display.filterError ? (
            <span id="filter-error" className="filter-error" role="alert">
              {display.filterError}
            </span>
          ) : null}
        </div>
        <PlatformFilter platform={platform} onChange={(value) => update({ platform: value })} />
        <label className="sort-control">
          <span>Sort</span>
          <select className="select" value={sort} onChange={(e) => update({ sort: e.target.value as SortKey })}>
            {sortKeys.map((k) => (
              <option key={k} value={k}>
                {sortLabels[k]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="icon-button"
            aria-label={dir === 'asc' ? 'Ascending; switch to descending' : 'Descending; switch to ascending'}
            title={dir === 'asc' ? 'Ascending' : 'Descending'}
            onClick={() => update({ dir: dir === 'asc' ? 'desc' : 'asc' })}
          >
            <ArrowIcon up={dir === 'asc'} />
          </button>
        </label>
        <div className="toolbar-actions">
          <LinkMenu
            registryUrl={registry?.url}
            targets={[{ what: 'this view', place: { repository, tag: openTag, digest, sort, dir, q, mode, platform } }]}
          />
          <CopyMenu
            registryUrl={registry?.url ?? ''}
            repository={repository}
            tag={single ?? null}
            digest={singleDigest}
            artifact={singleDetails ? artifactOfDetails(singleDetails) : null}
          />
          <SelectionCopyActions registryId={registryId} repository={repository} tags={selection} />
          <button
            type="button"
            className="button"
            disabled={status !== 'ready' || total === 0}
            title="What each tag uses on disk, and untagged images still stored"
            onClick={() => openDialog({ kind: 'storage', registryId, repository })}
          >
            Storage…
          </button>
          <button
            type="button"
            className="button"
            disabled={status !== 'ready' || total === 0}
            title={
              selection.length > 1
                ? `Remove old tags by rules, among the ${selection.length} selected`
                : 'Remove old tags by rules (with a preview)'
            }
            onClick={() => openDialog({ kind: 'cleanup', registryId, repository, selection: selection.length > 1 ? selection : null })}
          >
            Clean up{selection.length > 1 ? ` ${selection.length}` : ''}…
          </button>
          <button
            type="button"
            className="button danger-outline"
            disabled={selection.length === 0}
            onClick={() => openDialog({ kind: 'delete', registryId, repository, tags: selection })}
          >
            <TrashIcon /> Delete{selection.length > 1 ? ` ${selection.length}` : ''}…
          </button>
        </div>
      </div>
    </header>
  )
}

/** "Show 2 referrer tags": signatures, SBOMs and attestations kept under their image's row. */
function ReferrerToggle({ registryId, repository, display }: { registryId: string; repository: string; display: Display }) {
  const key = `${registryId}/${repository}`
  const showAll = useReferrerView((s) => viewFor(s, key).showAll)
  const toggleAll = useReferrerView((s) => s.toggleAll)
  const count = display.grouping.hidden.size
  if (count === 0 && !showAll) return null
  const grouped = display.grouping.byMember.size
  return (
    <button
      type="button"
      className="button ghost referrer-toggle"
      aria-pressed={showAll}
      title={
        'Signatures, SBOMs and attestations stored as tags (sha256-….sig/.att/.sbom, the sha256-… referrers index) ' +
        "are kept under their image's row"
      }
      onClick={() => toggleAll(key)}
    >
      {showAll
        ? `Hide ${grouped.toLocaleString('en')} referrer ${grouped === 1 ? 'tag' : 'tags'}`
        : `Show ${count.toLocaleString('en')} referrer ${count === 1 ? 'tag' : 'tags'}`}
    </button>
  )
}
