// Multi-select over the visible (sorted, filtered) order, as in a file manager: click selects one,
// ctrl/cmd-click toggles, shift-click selects the range from the anchor. Pure, so it is tested in Node.

export interface SelectionState {
  selected: ReadonlySet<string>
  /** Where a shift-click range starts. */
  anchor: string | null
  /** The row the keyboard moves from; the "current" tag. */
  focus: string | null
}

export const emptySelection: SelectionState = { selected: new Set(), anchor: null, focus: null }

export interface ClickModifiers {
  shift?: boolean
  toggle?: boolean
}

export function clickRow(state: SelectionState, order: readonly string[], tag: string, mods: ClickModifiers = {}): SelectionState {
  if (mods.shift && state.anchor !== null) {
    const from = order.indexOf(state.anchor)
    const to = order.indexOf(tag)
    if (from >= 0 && to >= 0) {
      const [lo, hi] = from <= to ? [from, to] : [to, from]
      const range = order.slice(lo, hi + 1)
      const selected = mods.toggle ? new Set([...state.selected, ...range]) : new Set(range)
      return { selected, anchor: state.anchor, focus: tag }
    }
  }
  if (mods.toggle) {
    const selected = new Set(state.selected)
    if (selected.has(tag)) selected.delete(tag)
    else selected.add(tag)
    return { selected, anchor: tag, focus: tag }
  }
  return { selected: new Set([tag]), anchor: tag, focus: tag }
}

/** ↑/↓ (j/k): move the focus by `delta` rows and select only it; shift extends from the anchor. */
export function moveFocus(state: SelectionState, order: readonly string[], delta: number, extend = false): SelectionState {
  if (order.length === 0) return state
  const at = state.focus === null ? -1 : order.indexOf(state.focus)
  const start = at < 0 ? (delta > 0 ? -1 : order.length) : at
  const next = Math.min(order.length - 1, Math.max(0, start + delta))
  const tag = order[next]
  if (tag === undefined) return state
  if (extend) return clickRow(state.anchor === null ? { ...state, anchor: tag } : state, order, tag, { shift: true })
  return { selected: new Set([tag]), anchor: tag, focus: tag }
}

/** Drops tags that are no longer listed (after a refresh or a delete). */
export function pruneSelection(state: SelectionState, order: readonly string[]): SelectionState {
  const present = new Set(order)
  const selected = new Set([...state.selected].filter((t) => present.has(t)))
  return {
    selected,
    anchor: state.anchor !== null && present.has(state.anchor) ? state.anchor : null,
    focus: state.focus !== null && present.has(state.focus) ? state.focus : null,
  }
}

/** Selected tags in display order, so dialogs list them the way the table shows them. */
export function selectedInOrder(state: SelectionState, order: readonly string[]): string[] {
  return order.filter((t) => state.selected.has(t))
}
