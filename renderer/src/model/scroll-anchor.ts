// Keeping the row under the user's eye in place while a date or size sort re-orders the table as
// answers arrive (issue 18). Rows whose sort key did not change between two orders keep their
// relative order (the sort is stable: ties go by name rank), so one of them is a fixed point to
// scroll to; a row that just got its date jumps to its place and cannot be one.
import { numericKey, type TagRow } from './tag-rows'
import type { SortKey } from './view-hash'

export interface AnchorInput {
  /** The rows in the order shown before the change, and the scroll offset then. */
  previous: readonly TagRow[]
  previousScrollTop: number
  /** The rows in the order about to be shown. */
  current: readonly TagRow[]
  /** The tags of `current`, in order (the display's `order`). */
  currentOrder: readonly string[]
  sort: SortKey
  rowHeight: number
  viewportHeight: number
}

function sameKey(a: TagRow, b: TagRow, sort: SortKey): boolean {
  if (sort !== 'date' && sort !== 'size') return true
  return numericKey(a, sort) === numericKey(b, sort)
}

/**
 * The scrollTop that keeps the first visible row whose sort key is unchanged at the same height on
 * screen, or null to leave the scroll alone: at the top (the user watches the head of the list fill
 * in), or when every visible row moved (there is nothing the eye could still be on).
 */
export function anchoredScrollTop(input: AnchorInput): number | null {
  const { previous, previousScrollTop, current, currentOrder, sort, rowHeight, viewportHeight } = input
  if (previousScrollTop <= 0) return null
  const first = Math.floor(previousScrollTop / rowHeight)
  const last = Math.min(previous.length - 1, Math.ceil((previousScrollTop + viewportHeight) / rowHeight) - 1)
  for (let index = first; index <= last; index++) {
    const before = previous[index]
    if (before === undefined) continue
    const now = currentOrder.indexOf(before.tag)
    const row = current[now]
    if (now < 0 || row === undefined || !sameKey(before, row, sort)) continue
    if (now === index) return null
    return Math.max(0, previousScrollTop + (now - index) * rowHeight)
  }
  return null
}
