// The storage view's per-tag table: bytes, unique, shared and date for every tag, sortable, virtualised
// (a 10,000-tag repository renders only the rows on screen, and every tag stays reachable by
// scrolling). A row click selects the tag, as a click on the pictures does; the selected row is
// scrolled into view.
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef } from 'react'
import { formatBytes } from '../../../shared/format'
import type { TagUsage } from '../../../shared/usage'
import { RegistryText } from './registry-text'

export type TagSort = 'bytes' | 'unique' | 'date'

const rowHeight = 27

const sorters: Record<TagSort, (a: TagUsage, b: TagUsage) => number> = {
  bytes: (a, b) => b.bytes - a.bytes || compareText(a.tag, b.tag),
  unique: (a, b) => b.uniqueBytes - a.uniqueBytes || compareText(a.tag, b.tag),
  // Newest first; undated last.
  date: (a, b) => compareText(b.date ?? '', a.date ?? '') || compareText(a.tag, b.tag),
}

interface StorageTagTableProps {
  tags: readonly TagUsage[]
  sort: TagSort
  onSort: (sort: TagSort) => void
  selected: string | null
  onSelect: (tag: string) => void
}

export function StorageTagTable({ tags, sort, onSort, selected, onSelect }: StorageTagTableProps) {
  const rows = useMemo(() => [...tags].sort(sorters[sort]), [tags, sort])
  const scrollRef = useRef<HTMLDivElement | null>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // Before the first layout (and in tests, which have none) a screenful of rows is drawn.
    initialRect: { width: 800, height: 280 },
  })
  const items = virtualizer.getVirtualItems()
  const padTop = items[0]?.start ?? 0
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0))

  useEffect(() => {
    if (selected === null) return
    const index = rows.findIndex((row) => row.tag === selected)
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' })
  }, [selected, rows, virtualizer])

  const header = (key: TagSort, text: string) => (
    <th scope="col" aria-sort={sort === key ? 'descending' : 'none'}>
      <button type="button" className="storage-sort" onClick={() => onSort(key)}>
        {text}
        {sort === key ? ' ↓' : ''}
      </button>
    </th>
  )
  const dated = tags.some((tag) => tag.date !== null)
  const columns = dated ? 5 : 4
  return (
    <div className="storage-table-wrap" ref={scrollRef}>
      <table className="storage-table" aria-rowcount={rows.length + 1} aria-label={`Tags by size (${rows.length.toLocaleString('en')})`}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Tag</th>
            {header('bytes', 'Bytes')}
            {header('unique', 'Unique')}
            <th scope="col">Shared</th>
            {dated ? header('date', 'Date') : null}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? <PadRow height={padTop} columns={columns} /> : null}
          {items.map((item) => {
            const t = rows[item.index]
            if (!t) return null
            return (
              <tr
                key={t.tag}
                aria-rowindex={item.index + 2}
                aria-selected={t.tag === selected}
                className={t.tag === selected ? 'selected' : undefined}
                onClick={() => onSelect(t.tag)}
              >
                <td className="mono" dir="auto" title={`${t.tag} → ${t.digest}`}>
                  <RegistryText text={t.tag} />
                </td>
                <td>{formatBytes(t.bytes)}</td>
                <td>{formatBytes(t.uniqueBytes)}</td>
                <td>{formatBytes(t.sharedBytes)}</td>
                {dated ? (
                  <td title={t.dateSource === 'pushed' ? 'pushed' : t.dateSource === 'built' ? 'built' : undefined}>
                    {t.date ? t.date.slice(0, 10) : '—'}
                  </td>
                ) : null}
              </tr>
            )
          })}
          {padBottom > 0 ? <PadRow height={padBottom} columns={columns} /> : null}
        </tbody>
      </table>
    </div>
  )
}

/** The rows off screen, as one tall row: a row without a cell would collapse to nothing. */
function PadRow({ height, columns }: { height: number; columns: number }) {
  return (
    <tr aria-hidden="true" className="storage-pad">
      <td colSpan={columns} style={{ height }} />
    </tr>
  )
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}
