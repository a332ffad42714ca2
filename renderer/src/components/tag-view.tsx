// One repository: its header and toolbar, the tag table, and the details panel of the open tag.
import type { ReactNode } from 'react'
import { useTags } from '../stores/tags'
import { useView } from '../stores/view'
import { useDisplay } from '../stores/display'
import { ErrorView } from './error-view'
import { TagToolbar } from './tag-toolbar'
import { TagTable } from './tag-table'
import { DetailsPanel } from './details-panel'
import { ListingCount } from './listing-count'
import './tag-view.css'

export function TagView({ registryId, repository }: { registryId: string; repository: string }) {
  const status = useTags((s) => s.status)
  const error = useTags((s) => s.error)
  const total = useTags((s) => s.tags.length)
  const refresh = useTags((s) => s.refresh)
  const openTag = useView((s) => s.tag)
  const q = useView((s) => s.q)
  const update = useView((s) => s.update)
  const display = useDisplay()

  let body: ReactNode
  if (status === 'error' && error) {
    body = (
      <div className="center-state">
        <ErrorView error={error} onRetry={() => void refresh()} />
      </div>
    )
  } else if (status === 'ready' && total === 0) {
    body = (
      <div className="center-state">
        <div className="placeholder">
          <div className="placeholder-icon empty" aria-hidden="true" />
          <h2>No tags</h2>
          <p>This repository has no tags. Untagged manifests may still exist until garbage collection removes them.</p>
        </div>
      </div>
    )
  } else if (status === 'ready' && display.rows.length === 0 && !display.filterError) {
    body = (
      <div className="center-state">
        <div className="placeholder">
          <div className="placeholder-icon search" aria-hidden="true" />
          <h2>No tag matches</h2>
          <p dir="auto">
            None of the {total.toLocaleString('en')} tags matches “{q}”.
          </p>
          <button type="button" className="button" onClick={() => update({ q: '' })}>
            Clear filter
          </button>
        </div>
      </div>
    )
  } else {
    body = <TagTable repository={repository} display={display} loading={status === 'loading'} />
  }

  return (
    <div className={openTag !== null ? 'tag-view with-details' : 'tag-view'}>
      <div className="tag-main">
        <TagToolbar registryId={registryId} repository={repository} display={display} />
        {/* Only over placeholder rows: with cached rows on screen, a line coming and going would move them. */}
        {status === 'loading' && total === 0 ? <ListingCount registryId={registryId} repository={repository} noun="tags" /> : null}
        {body}
      </div>
      {openTag !== null ? (
        <DetailsPanel key={`${registryId}/${repository}:${openTag}`} registryId={registryId} repository={repository} tag={openTag} />
      ) : null}
    </div>
  )
}
