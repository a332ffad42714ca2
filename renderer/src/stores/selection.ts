// Selected tags of the open repository. The rules live in model/selection.ts; this only holds state.
import { create } from 'zustand'
import { clickRow, emptySelection, moveFocus, pruneSelection, type ClickModifiers, type SelectionState } from '../model/selection'

interface SelectionStore extends SelectionState {
  click: (order: readonly string[], tag: string, mods?: ClickModifiers) => void
  move: (order: readonly string[], delta: number, extend?: boolean) => void
  prune: (order: readonly string[]) => void
  /** Select exactly this tag (from the hash, or after opening details). */
  selectOnly: (tag: string | null) => void
  clear: () => void
}

const stateOf = (s: SelectionState): SelectionState => ({ selected: s.selected, anchor: s.anchor, focus: s.focus })

export const useSelection = create<SelectionStore>()((set, get) => ({
  ...emptySelection,
  click: (order, tag, mods) => set(clickRow(stateOf(get()), order, tag, mods)),
  move: (order, delta, extend) => set(moveFocus(stateOf(get()), order, delta, extend)),
  prune: (order) => set(pruneSelection(stateOf(get()), order)),
  selectOnly: (tag) => set(tag === null ? emptySelection : { selected: new Set([tag]), anchor: tag, focus: tag }),
  clear: () => set(emptySelection),
}))
