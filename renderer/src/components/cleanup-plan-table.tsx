// The cleanup plan, one row per tag: keep/remove and why. Virtualized like the tag table, because
// a cleanup is exactly the moment a repository has thousands of tags.
import { useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { CleanupPlan, CleanupPlanItem } from '../../../shared/cleanup-rules'
import type { DeleteResult } from '../../../shared/types'
import { shortDigest } from '../model/tag-summary'

export const planRowHeight = 30

interface PlanTableProps {
  plan: CleanupPlan
  /** After a run: the outcome per tag. */
  results?: ReadonlyMap<string, DeleteResult>
  /** Show only the tags that would be removed. */
  onlyRemoved?: boolean
}

export function CleanupPlanTable({ plan, results, onlyRemoved = false }: PlanTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const shown = onlyRemoved ? plan.items.filter((i) => i.action === 'remove') : plan.items
  // After a run, failures come first: they are what the user has to act on.
  const failed = (tag: string): boolean => results?.get(tag)?.ok === false
  const rows = results ? [...shown.filter((i) => failed(i.tag)), ...shown.filter((i) => !failed(i.tag))] : shown
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => planRowHeight,
    overscan: 12,
    getItemKey: (index) => rows[index]?.tag ?? index,
  })
  return (
    <div className="cleanup-table" role="grid" aria-label="Cleanup plan" aria-rowcount={rows.length + 1}>
      <div className="cleanup-row cleanup-head" role="row">
        <span role="columnheader">Action</span>
        <span role="columnheader">Tag</span>
        <span role="columnheader">Date</span>
        <span role="columnheader">Why</span>
      </div>
      <div className="cleanup-body" ref={scrollRef}>
        {rows.length === 0 ? <p className="muted cleanup-empty">No tag would be removed.</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = rows[v.index]
            if (!item) return null
            return <PlanRow key={item.tag} item={item} top={v.start} result={results?.get(item.tag)} />
          })}
        </div>
      </div>
    </div>
  )
}

function PlanRow({ item, top, result }: { item: CleanupPlanItem; top: number; result: DeleteResult | undefined }) {
  const state = result ? (result.ok ? 'removed' : 'failed') : item.action
  const label = { keep: 'Keep', remove: 'Remove', removed: 'Removed', failed: 'Failed' }[state]
  const why = result && !result.ok ? `${result.error?.message ?? 'failed'}${result.error?.fix ? ` — ${result.error.fix}` : ''}` : item.why
  return (
    <div
      className={`cleanup-row ${state}`}
      role="row"
      data-tag={item.tag}
      data-action={item.action}
      style={{ transform: `translateY(${top}px)` }}
    >
      <span role="gridcell">
        <span className={`cleanup-badge ${state}`}>{label}</span>
      </span>
      <span role="gridcell" className="mono cleanup-tag" dir="auto" title={item.digest ? `${item.tag} → ${item.digest}` : item.tag}>
        {item.tag}
        {item.digest ? <span className="muted cleanup-digest"> {shortDigest(item.digest)}</span> : null}
      </span>
      <span
        role="gridcell"
        className="muted"
        title={item.date ? `${item.date} (${item.dateSource === 'pushed' ? 'pushed' : 'built'})` : 'date unknown'}
      >
        {item.date ? item.date.slice(0, 10) : '—'}
      </span>
      <span role="gridcell" className={result && !result.ok ? 'cleanup-why result-error' : 'cleanup-why'} dir="auto" title={why}>
        {why}
      </span>
    </div>
  )
}
