// The tag table: virtualized (only the rows on screen exist in the DOM, so 10,000 tags scroll
// smoothly), sortable by header, multi-select with click / shift-click / ctrl-or-cmd-click. It tells
// the details loader which rows are visible so those load first.
import { useEffect, useLayoutEffect, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { anchoredScrollTop } from '../model/scroll-anchor'
import type { TagRow } from '../model/tag-rows'
import type { FilterMode, SortDir, SortKey } from '../model/view-hash'
import type { Display } from '../stores/display'
import { useSelection } from '../stores/selection'
import { setDetailsPriority, useTags } from '../stores/tags'
import { useReferrerView, viewFor } from '../stores/referrer-view'
import type { ReferrerGrouping } from '../../../shared/referrer-tags'
import { shortDigest } from '../model/tag-summary'
import { useView } from '../stores/view'
import { TagRowView, rowHeight } from './tag-row'
import './tag-table.css'

interface Column {
  id: string
  label: string
  sort?: SortKey
}

const fixedRowHeight = (): number => rowHeight

const columns: Column[] = [
  { id: 'tag', label: 'Tag', sort: 'name' },
  { id: 'digest', label: 'Digest' },
  { id: 'size', label: 'Size', sort: 'size' },
  { id: 'date', label: 'Built', sort: 'date' },
  { id: 'platforms', label: 'Platforms' },
  { id: 'type', label: 'Type' },
]

export function TagTable({ repository, display, loading }: { repository: string; display: Display; loading: boolean }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const sort = useView((s) => s.sort)
  const dir = useView((s) => s.dir)
  const q = useView((s) => s.q)
  const mode = useView((s) => s.mode)
  const update = useView((s) => s.update)
  const focus = useSelection((s) => s.focus)
  const { rows, order, orderBasis, grouping } = display
  const referrerKey = useTags((s) => `${s.registryId ?? ''}/${s.repository ?? ''}`)
  const referrerView = useReferrerView((s) => viewFor(s, referrerKey))

  // Every row is rowHeight tall and never measured, so items need no keys: a getItemKey closing
  // over `rows` would be a new function on every render, and the virtualizer recomputes all 10,000
  // positions whenever it changes.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: fixedRowHeight,
    overscan: 15,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  useEffect(() => {
    setDetailsPriority(order.slice(first, last + 1), order, orderBasis)
  }, [first, last, order, orderBasis])

  // Bring the focused row on screen once per focus change (also when it arrives before the rows,
  // from a shared link) — not on every re-sort while details stream in, which would yank the view
  // back while the user scrolls.
  const scrolledFor = useRef<string | null>(null)
  useEffect(() => {
    if (focus === null || focus === scrolledFor.current) return
    const index = order.indexOf(focus)
    if (index < 0) return
    scrolledFor.current = focus
    virtualizer.scrollToIndex(index, { align: 'auto' })
  }, [focus, order, virtualizer])

  // While a date or size sort re-orders rows as answers arrive, the row under the user's eye stays
  // where it was on screen (model/scroll-anchor.ts). Before paint, so the jump is never seen; a
  // change the user made (sort, direction, filter) is not corrected.
  const shown = useRef<{
    rows: readonly TagRow[]
    order: readonly string[]
    sort: SortKey
    dir: SortDir
    q: string
    mode: FilterMode
  } | null>(null)
  useLayoutEffect(() => {
    const previous = shown.current
    shown.current = { rows, order, sort, dir, q, mode }
    const element = scrollRef.current
    if (element === null || previous === null || previous.order === order) return
    if (previous.sort !== sort || previous.dir !== dir || previous.q !== q || previous.mode !== mode) return
    // The virtualizer's offset and size, kept from the last scroll and resize: reading the element's
    // scrollTop here, right after React changed the rows, would force a layout on every re-sort.
    const top = anchoredScrollTop({
      previous: previous.rows,
      previousScrollTop: virtualizer.scrollOffset ?? 0,
      current: rows,
      currentOrder: order,
      sort,
      rowHeight,
      viewportHeight: virtualizer.scrollRect?.height ?? 0,
    })
    if (top !== null) element.scrollTop = top
  }, [rows, order, sort, dir, q, mode, virtualizer])

  const onHeader = (key: SortKey | undefined) => {
    if (!key) return
    if (key === sort) update({ dir: dir === 'asc' ? 'desc' : 'asc' })
    else update({ sort: key, dir: key === 'name' ? 'asc' : 'desc' })
  }

  return (
    <div className="table" role="grid" aria-multiselectable="true" aria-rowcount={rows.length + 1} aria-label={`Tags of ${repository}`}>
      <div className="table-head" role="row" aria-rowindex={1}>
        {columns.map((c) => {
          const active = c.sort !== undefined && (c.sort === sort || (c.id === 'tag' && sort === 'semver'))
          return (
            <div
              key={c.id}
              role="columnheader"
              className={`cell col-${c.id}`}
              aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
            >
              {c.sort ? (
                <button
                  type="button"
                  className={active ? 'th-button active' : 'th-button'}
                  onClick={() => onHeader(c.id === 'tag' && sort === 'semver' ? 'semver' : c.sort)}
                >
                  {c.id === 'tag' && sort === 'semver' ? 'Tag (version)' : c.label}
                  <span className="sort-arrow" aria-hidden="true">
                    {active ? (dir === 'asc' ? '▲' : '▼') : ''}
                  </span>
                </button>
              ) : (
                <span className="th-label">{c.label}</span>
              )}
            </div>
          )
        })}
      </div>
      <div className="table-body" ref={scrollRef} tabIndex={-1}>
        {loading && rows.length === 0 ? (
          <div className="skeleton-rows" aria-label="Loading tags">
            {Array.from({ length: 12 }, (_, i) => (
              <div key={i} className="row skeleton-row">
                {columns.map((c) => (
                  <div key={c.id} className={`cell col-${c.id}`}>
                    <span className="skeleton skeleton-text" />
                  </div>
                ))}
              </div>
            ))}
          </div>
        ) : (
          <div className="table-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const row = rows[item.index]
              if (!row) return null
              const group = grouping.bySubjectTag.get(row.tag)
              return (
                <TagRowView
                  key={row.tag}
                  row={row}
                  index={item.index}
                  top={item.start}
                  referrers={group}
                  referrersOpen={group !== undefined && (referrerView.showAll || referrerView.expanded.has(group.subject))}
                  referrerOf={referrerNote(grouping, row.tag)}
                />
              )
            })}
          </div>
        )}
      </div>
    </div>
  )
}

/** A referrer tag's note: its subject's tag, or the untagged digest it refers to. */
function referrerNote(grouping: ReferrerGrouping, tag: string): string | undefined {
  const group = grouping.byMember.get(tag)
  if (group) return `referrer of ${group.subjectTags.join(', ')}`
  const orphan = grouping.orphans.get(tag)
  return orphan ? `referrer of ${shortDigest(orphan.subject)}… (untagged)` : undefined
}
