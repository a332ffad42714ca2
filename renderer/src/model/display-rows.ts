// The table's rows as shown: tags × rows, filtered and sorted, memoised on its inputs. Pure (no
// stores), so Node tests prove what matters at 10,000 rows: while answers stream in, only the rows
// that changed get new objects (memoised rows skip rendering), and an unchanged order keeps its array.
import { nameRanks, resortChanged, visibleRows, type TagRow, type VisibleRows } from './tag-rows'
import type { FilterMode, SortDir, SortKey } from './view-hash'
import type { ReferrerGrouping } from '../../../shared/referrer-tags'
import { defaultReferrerView, groupingOf, unhiddenTags, withGroupsShown, type ReferrerView } from './referrer-rows'

export interface Display extends VisibleRows {
  order: string[]
  /**
   * The same object for as long as the tags, filter and sort are: answers arriving re-order a date
   * or size sort, but never the rows still without details (unknowns go last, by name), so the order
   * the details job follows needs sending again only when this changes (stores/tags.ts).
   */
  orderBasis: object
  /** Referrer tags grouped under their subjects (model/referrer-rows.ts); hidden ones are not in `rows`. */
  grouping: ReferrerGrouping
}

type BaseDisplay = Omit<Display, 'grouping'>

interface Memo {
  tags: readonly string[]
  rows: ReadonlyMap<string, TagRow>
  q: string
  mode: FilterMode
  sort: SortKey
  dir: SortDir
  out: BaseDisplay
}

let last: Memo | null = null

// One object per tag that has no details yet, so those rows too keep their identity (and skip
// re-rendering) while answers for other rows stream in.
let pendingFor: { tags: readonly string[]; rows: Map<string, TagRow> } | null = null

function pendingRow(tags: readonly string[], tag: string): TagRow {
  if (pendingFor?.tags !== tags) pendingFor = { tags, rows: new Map() }
  let row = pendingFor.rows.get(tag)
  if (!row) {
    row = { tag, result: undefined, checking: null }
    pendingFor.rows.set(tag, row)
  }
  return row
}

// Name order per tag list: one collator sort per list, then every sort compares integers.
let ranksFor: { tags: readonly string[]; ranks: ReadonlyMap<string, number> } | null = null

function ranksOf(tags: readonly string[]): ReadonlyMap<string, number> {
  if (ranksFor?.tags !== tags) ranksFor = { tags, ranks: nameRanks(tags) }
  return ranksFor.ranks
}

let lastShown: { base: BaseDisplay; grouping: ReferrerGrouping; view: ReferrerView; out: Display } | null = null

export function computeDisplay(
  tags: readonly string[],
  rows: ReadonlyMap<string, TagRow>,
  q: string,
  mode: FilterMode,
  sort: SortKey,
  dir: SortDir,
  view: ReferrerView = defaultReferrerView,
): Display {
  const grouping = groupingOf(tags, rows)
  // Hidden referrer tags are left out before sorting and filtering; the order sent to the details
  // job then reaches them last (they only feed their subject's badge).
  const base = computeBase(unhiddenTags(tags, grouping.hidden), rows, q, mode, sort, dir)
  if (lastShown !== null && lastShown.base === base && lastShown.grouping === grouping && lastShown.view === view) return lastShown.out
  const expanded = withGroupsShown(base.rows, grouping, view, (tag) => rows.get(tag) ?? pendingRow(tags, tag))
  const out: Display =
    expanded === null ? { ...base, grouping } : { ...base, rows: expanded, order: expanded.map((row) => row.tag), grouping }
  lastShown = { base, grouping, view, out }
  return out
}

function computeBase(
  tags: readonly string[],
  rows: ReadonlyMap<string, TagRow>,
  q: string,
  mode: FilterMode,
  sort: SortKey,
  dir: SortDir,
): BaseDisplay {
  const rowOf = (tag: string): TagRow => rows.get(tag) ?? pendingRow(tags, tag)
  // Name/semver order does not depend on details: keep the order (and its array) while they stream in.
  const detailsMatter = sort === 'date' || sort === 'size'
  const previous =
    last !== null && last.tags === tags && last.q === q && last.mode === mode && last.sort === sort && last.dir === dir ? last : null
  if (previous !== null && (previous.rows === rows || !detailsMatter)) {
    if (previous.rows === rows) return previous.out
    const out = { ...previous.out, rows: previous.out.rows.map((r) => rowOf(r.tag)) }
    last = { ...previous, rows, out }
    return out
  }
  // Answers arriving under a date or size sort: only the rows whose key changed move (an invalid
  // regex shows every row, so the previous rows are still exactly the filtered set).
  const shown =
    previous !== null && detailsMatter
      ? { rows: resortChanged(previous.out.rows, rowOf, sort, dir, ranksOf(tags)), filterError: previous.out.filterError }
      : visibleRows(tags.map(rowOf), q, mode, sort, dir, ranksOf(tags))
  const order = shown.rows.map((r) => r.tag)
  // An unchanged order keeps its array: the table's effects that depend on it then stay quiet.
  const sameOrder = last !== null && last.out.order.length === order.length && last.out.order.every((t, i) => t === order[i])
  const out = {
    ...shown,
    order: sameOrder && last !== null ? last.out.order : order,
    orderBasis: previous !== null ? previous.out.orderBasis : {},
  }
  last = { tags, rows, q, mode, sort, dir, out }
  return out
}
