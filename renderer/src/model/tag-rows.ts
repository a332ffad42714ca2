// Sorting and filtering of the tag table over ALL tags of a repository, not a page. Rows whose
// details are not loaded yet (or failed) have no date/size: they go last in either direction so the
// known rows stay put while the background loader fills the rest in. Rows still being checked sort
// and filter by the values they show: the table must not jump when each one is confirmed.
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import type { FilterMode, SortDir, SortKey } from './view-hash'
import { compareSemver, compareTagNames, compileTagFilter, parseSemver, type TagFilter } from '../../../shared/tag-sort'

/**
 * Why a row's values are not confirmed yet: `cache` = from Berth's local caches, as last verified
 * in an earlier session; `earlier` = the previous answer, kept on screen while a refresh asks again.
 * null = answered by the registry in this load (or nothing known yet).
 */
export type Checking = 'cache' | 'earlier' | null

export interface TagRow {
  tag: string
  /** undefined = nothing known yet. */
  result: TagDetailsResult | undefined
  checking: Checking
}

export function detailsOf(row: TagRow): TagDetails | null {
  return row.result?.ok ? row.result.details : null
}

/**
 * Details the registry confirmed in this load, or null. The only details anything may act on
 * (copy by digest, delete, cleanup): a cached or earlier digest may have moved since.
 */
export function verifiedDetailsOf(row: TagRow | undefined): TagDetails | null {
  return row !== undefined && row.checking === null ? detailsOf(row) : null
}

const byName = compareTagNames

// A row's details object is replaced, never changed, when an answer arrives: its sort keys can be
// kept per object, so re-sorting 10,000 rows while details stream in parses each date only once.
const dateKeys = new WeakMap<TagDetails, number | null>()

function dateKey(d: TagDetails): number | null {
  let key = dateKeys.get(d)
  if (key === undefined) {
    const iso = d.created ?? d.pushed ?? null
    const time = iso ? Date.parse(iso) : Number.NaN
    key = Number.isNaN(time) ? null : time
    dateKeys.set(d, key)
  }
  return key
}

/** The numeric key a date/size sort uses; null = unknown (sorted last). */
export function numericKey(row: TagRow, key: 'date' | 'size'): number | null {
  const d = detailsOf(row)
  if (!d) return null
  return key === 'size' ? d.size : dateKey(d)
}

/**
 * Each tag's place in name order: comparing two integers instead of two strings through
 * Intl.Collator. Computing it costs one name sort; callers keep it per tag list (display.ts), so
 * every later sort of those tags — by name, or date and size with their ties — skips the collator.
 */
export function nameRanks(tags: readonly string[]): ReadonlyMap<string, number> {
  const names = [...tags].sort(byName)
  return new Map(names.map((tag, i) => [tag, i]))
}

/** `ranks` must hold every row's tag (nameRanks of the full list); without it, it is computed here. */
export function sortRows(
  rows: readonly TagRow[],
  key: SortKey,
  dir: SortDir,
  ranks: ReadonlyMap<string, number> = nameRanks(rows.map((r) => r.tag)),
): TagRow[] {
  const sign = dir === 'asc' ? 1 : -1
  const rank = (row: TagRow): number => ranks.get(row.tag) ?? 0
  if (key === 'name') {
    const decorated = rows.map((row) => ({ row, r: rank(row) }))
    decorated.sort((a, b) => sign * (a.r - b.r))
    return decorated.map((d) => d.row)
  }
  if (key === 'semver') {
    // A non-version tag (latest, main) is not "older" than 1.0: those stay after the versions, by name.
    const versions = rows.filter((row) => parseSemver(row.tag) !== null)
    const others = rows.filter((row) => parseSemver(row.tag) === null)
    versions.sort((a, b) => sign * compareSemver(a.tag, b.tag))
    return [...versions, ...sortRows(others, 'name', 'asc', ranks)]
  }
  // Decorate once: looking keys up inside the comparator would run ~140,000 times for 10,000 rows.
  const decorated = rows.map((row) => decorate(row, key, ranks))
  decorated.sort(byKeyThenRank(sign))
  return decorated.map((d) => d.row)
}

interface Decorated {
  row: TagRow
  /** The date or size; null = unknown. */
  k: number | null
  /** The name rank, for ties and unknowns. */
  r: number
}

function decorate(row: TagRow, key: 'date' | 'size', ranks: ReadonlyMap<string, number>): Decorated {
  return { row, k: numericKey(row, key), r: ranks.get(row.tag) ?? 0 }
}

/** A total order (ties by name rank): sorting in parts and merging gives what one sort gives. */
function byKeyThenRank(sign: number): (a: Decorated, b: Decorated) => number {
  return (a, b) => {
    if (a.k === null || b.k === null) {
      if (a.k !== b.k) return a.k === null ? 1 : -1
      return a.r - b.r
    }
    return sign * (a.k - b.k) || a.r - b.r
  }
}

/**
 * A date or size order brought up to date after some rows changed, without sorting every row again:
 * `sorted` is the previous order (rows of the same tags, possibly stale objects), `current` gives
 * each tag's row now. Rows whose key is unchanged keep their relative order; the changed ones are
 * sorted among themselves and merged in. Equal to `sortRows` of the current rows (same total order),
 * in O(n + k log k) for k changed rows instead of O(n log n) comparisons through the decoration.
 */
export function resortChanged(
  sorted: readonly TagRow[],
  current: (tag: string) => TagRow,
  key: 'date' | 'size',
  dir: SortDir,
  ranks: ReadonlyMap<string, number>,
): TagRow[] {
  const kept: TagRow[] = []
  const changed: Decorated[] = []
  for (const before of sorted) {
    const row = current(before.tag)
    if (row === before || numericKey(row, key) === numericKey(before, key)) kept.push(row)
    else changed.push(decorate(row, key, ranks))
  }
  if (changed.length === 0) return kept
  const compare = byKeyThenRank(dir === 'asc' ? 1 : -1)
  changed.sort(compare)
  const out: TagRow[] = new Array<TagRow>(kept.length + changed.length)
  let i = 0
  let j = 0
  let n = 0
  let next = kept[0] === undefined ? null : decorate(kept[0], key, ranks)
  while (next !== null || j < changed.length) {
    const other = changed[j]
    if (next !== null && (other === undefined || compare(next, other) <= 0)) {
      out[n++] = next.row
      i++
      const row = kept[i]
      next = row === undefined ? null : decorate(row, key, ranks)
    } else if (other !== undefined) {
      out[n++] = other.row
      j++
    }
  }
  return out
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
export function visibleRows(
  rows: readonly TagRow[],
  q: string,
  mode: FilterMode,
  key: SortKey,
  dir: SortDir,
  ranks?: ReadonlyMap<string, number>,
): VisibleRows {
  const filter = compileFilter(q, mode)
  const kept = filter.ok ? rows.filter((r) => filter.test(r.tag)) : rows
  return { rows: sortRows(kept, key, dir, ranks), filterError: filter.ok ? null : filter.error }
}
