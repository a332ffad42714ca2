// The table's rows as shown: tags × details, filtered and sorted. Memoised on its inputs so the
// table, the keyboard handler and dialogs share one computation per change.
import { useTags } from './tags'
import { useView } from './view'
import { visibleRows, type TagRow, type VisibleRows } from '../model/tag-rows'
import type { TagDetailsResult } from '../../../shared/types'
import type { FilterMode, SortDir, SortKey } from '../model/view-hash'

export interface Display extends VisibleRows {
  order: string[]
}

let last: { tags: string[]; details: Record<string, TagDetailsResult>; q: string; mode: FilterMode; sort: SortKey; dir: SortDir; out: Display } | null = null

export function computeDisplay(tags: string[], details: Record<string, TagDetailsResult>, q: string, mode: FilterMode, sort: SortKey, dir: SortDir): Display {
  // Name/semver order does not depend on details: skip re-sorting while they stream in.
  const detailsMatter = sort === 'date' || sort === 'size'
  if (last && last.tags === tags && last.q === q && last.mode === mode && last.sort === sort && last.dir === dir && (last.details === details || !detailsMatter)) {
    if (last.details === details) return last.out
    const rows: TagRow[] = last.out.rows.map((r) => ({ tag: r.tag, result: details[r.tag] }))
    const out = { ...last.out, rows }
    last = { ...last, details, out }
    return out
  }
  const rows: TagRow[] = tags.map((tag) => ({ tag, result: details[tag] }))
  const shown = visibleRows(rows, q, mode, sort, dir)
  const out = { ...shown, order: shown.rows.map((r) => r.tag) }
  last = { tags, details, q, mode, sort, dir, out }
  return out
}

export function useDisplay(): Display {
  const tags = useTags((s) => s.tags)
  const details = useTags((s) => s.details)
  const q = useView((s) => s.q)
  const mode = useView((s) => s.mode)
  const sort = useView((s) => s.sort)
  const dir = useView((s) => s.dir)
  return computeDisplay(tags, details, q, mode, sort, dir)
}

export function currentDisplay(): Display {
  const t = useTags.getState()
  const v = useView.getState()
  return computeDisplay(t.tags, t.details, v.q, v.mode, v.sort, v.dir)
}
