// Sorting and filtering of the tag table over ALL tags of a repository, not a page. Rows whose
// details are not loaded yet (or failed) have no date/size: they go last in either direction so the
// known rows stay put while the background loader fills the rest in.
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import type { FilterMode, SortDir, SortKey } from './view-hash'
import { compareSemver, compareTagNames, compileTagFilter, parseSemver, type TagFilter } from '../../../shared/tag-sort'

export interface TagRow {
  tag: string
  /** undefined = not loaded yet. */
  result: TagDetailsResult | undefined
}

export function detailsOf(row: TagRow): TagDetails | null {
  return row.result?.ok ? row.result.details : null
}

const byName = compareTagNames

/** The numeric key a date/size sort uses; null = unknown (sorted last). */
function numericKey(row: TagRow, key: 'date' | 'size'): number | null {
  const d = detailsOf(row)
  if (!d) return null
  if (key === 'size') return d.size
  const iso = d.created ?? d.pushed ?? null
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
}

export function sortRows(rows: readonly TagRow[], key: SortKey, dir: SortDir): TagRow[] {
  const sign = dir === 'asc' ? 1 : -1
  if (key === 'name') return [...rows].sort((a, b) => sign * byName(a.tag, b.tag))
  if (key === 'semver') {
    // A non-version tag (latest, main) is not "older" than 1.0: those stay after the versions.
    const decorated = rows.map((row) => ({ row, v: parseSemver(row.tag) !== null }))
    decorated.sort((a, b) => (a.v !== b.v ? (a.v ? -1 : 1) : a.v ? sign * compareSemver(a.row.tag, b.row.tag) : byName(a.row.tag, b.row.tag)))
    return decorated.map((d) => d.row)
  }
  // Decorate once: parsing 10,000 dates inside the comparator would run ~280,000 times.
  const decorated = rows.map((row) => ({ row, k: numericKey(row, key) }))
  decorated.sort((a, b) => {
    if (a.k === null || b.k === null) {
      if (a.k !== b.k) return a.k === null ? 1 : -1
      return byName(a.row.tag, b.row.tag)
    }
    return sign * (a.k - b.k) || byName(a.row.tag, b.row.tag)
  })
  return decorated.map((d) => d.row)
}

/** Text = case-insensitive substring; regex = bounded JavaScript syntax (shared/tag-sort.ts). */
export function compileFilter(text: string, mode: FilterMode): TagFilter {
  if (text === '') return { ok: true, test: () => true }
  return compileTagFilter(text, mode)
}

export interface VisibleRows {
  rows: TagRow[]
  filterError: string | null
}

/** An invalid regex hides nothing (the table stays useful) and reports the error inline. */
export function visibleRows(rows: readonly TagRow[], q: string, mode: FilterMode, key: SortKey, dir: SortDir): VisibleRows {
  const filter = compileFilter(q, mode)
  const kept = filter.ok ? rows.filter((r) => filter.test(r.tag)) : rows
  return { rows: sortRows(kept, key, dir), filterError: filter.ok ? null : filter.error }
}
