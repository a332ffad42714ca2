import { describe, expect, it } from 'vitest'
import { anchoredScrollTop } from '../../../renderer/src/model/scroll-anchor'
import { sortRows, type TagRow } from '../../../renderer/src/model/tag-rows'
import type { TagDetails } from '../../../shared/types'

const rowHeight = 30
const viewportHeight = 300

function dated(tag: string, day: number): TagRow {
  const details = { created: new Date(Date.UTC(2026, 0, day)).toISOString(), size: day } as unknown as TagDetails
  return { tag, result: { tag, ok: true, details }, checking: null }
}
const pending = (tag: string): TagRow => ({ tag, result: undefined, checking: null })

function anchor(previous: TagRow[], current: TagRow[], previousScrollTop: number) {
  return anchoredScrollTop({
    previous,
    previousScrollTop,
    current,
    currentOrder: current.map((r) => r.tag),
    sort: 'date',
    rowHeight,
    viewportHeight,
  })
}

describe('anchoredScrollTop', () => {
  // 100 tags t000…t099, every even one dated: sorted by date (newest first), unknown last.
  const names = Array.from({ length: 100 }, (_, i) => `t${String(i).padStart(3, '0')}`)
  const before = names.map((t, i) => (i % 2 === 0 ? dated(t, i + 1) : pending(t)))

  it('keeps the first visible row whose date was known at the same height when newer rows arrive above it', () => {
    const previous = sortRows(before, 'date', 'desc')
    // Scrolled so that row 10 is at the top, 5 px cut off.
    const scrollTop = 10 * rowHeight + 5
    const eye = previous[10]?.tag
    // Five odd tags get dates newer than every known one: they sort above the eye.
    const after = before.map((r, i) => (i % 2 === 1 && i < 10 ? dated(r.tag, 200 + i) : r))
    const current = sortRows(after, 'date', 'desc')
    const top = anchor(previous, current, scrollTop)
    expect(top).not.toBeNull()
    const index = current.findIndex((r) => r.tag === eye)
    expect(index).toBe(15)
    expect(top).toBe(index * rowHeight + 5)
  })

  it('skips visible rows that just got their date (they move) and anchors on one that did not', () => {
    const previous = sortRows(before, 'date', 'desc')
    // The unknown rows start at 50: scrolled into them.
    const scrollTop = 50 * rowHeight
    const seen = previous.slice(50, 60).map((r) => r.tag)
    // The first three visible unknown rows get dates (they leave for the dated part).
    const moved = new Set(seen.slice(0, 3))
    const after = before.map((r) => (moved.has(r.tag) ? dated(r.tag, 300) : r))
    const current = sortRows(after, 'date', 'desc')
    const top = anchor(previous, current, scrollTop)
    const eye = seen[3]
    const index = current.findIndex((r) => r.tag === eye)
    // seen[3] was at 53; the three rows above it moved into the dated part, still above it, so it
    // stays at 53 and the scroll needs no change.
    expect(index).toBe(53)
    expect(top).toBeNull()
  })

  it('follows the eye down when rows from below the screen get dates and sort above it', () => {
    const previous = sortRows(before, 'date', 'desc')
    const scrollTop = 50 * rowHeight
    const eye = previous[50]?.tag
    const below = new Set(previous.slice(80, 90).map((r) => r.tag))
    const after = before.map((r) => (below.has(r.tag) ? dated(r.tag, 1) : r))
    const current = sortRows(after, 'date', 'desc')
    expect(current.findIndex((r) => r.tag === eye)).toBe(60)
    expect(anchor(previous, current, scrollTop)).toBe(60 * rowHeight)
  })

  it('leaves the scroll alone at the top of the table', () => {
    const previous = sortRows(before, 'date', 'desc')
    const after = before.map((r, i) => (i === 1 ? dated(r.tag, 500) : r))
    expect(anchor(previous, sortRows(after, 'date', 'desc'), 0)).toBeNull()
  })

  it('leaves the scroll alone when every visible row moved', () => {
    const previous = sortRows(before, 'date', 'desc')
    const scrollTop = 50 * rowHeight
    const visible = new Set(previous.slice(50, 61).map((r) => r.tag))
    const after = before.map((r) => (visible.has(r.tag) ? dated(r.tag, 400) : r))
    expect(anchor(previous, sortRows(after, 'date', 'desc'), scrollTop)).toBeNull()
  })
})
