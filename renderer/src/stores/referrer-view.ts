// Which referrer tags the table shows (model/referrer-rows.ts): the toolbar's toggle and the groups
// opened from a badge, for the open repository only (another repository starts hidden again).
import { create } from 'zustand'
import { defaultReferrerView, type ReferrerView } from '../model/referrer-rows'

interface ReferrerViewStore {
  /** `registryId/repository` the state belongs to. */
  key: string | null
  view: ReferrerView
  toggleAll: (key: string) => void
  toggleGroup: (key: string, subject: string) => void
}

export const useReferrerView = create<ReferrerViewStore>()((set, get) => ({
  key: null,
  view: defaultReferrerView,
  toggleAll: (key) => {
    const view = viewFor(get(), key)
    set({ key, view: { showAll: !view.showAll, expanded: view.showAll ? new Set() : view.expanded } })
  },
  toggleGroup: (key, subject) => {
    const view = viewFor(get(), key)
    const expanded = new Set(view.expanded)
    if (expanded.has(subject) || view.showAll) expanded.delete(subject)
    else expanded.add(subject)
    set({ key, view: { showAll: false, expanded } })
  },
}))

export function viewFor(state: { key: string | null; view: ReferrerView }, key: string): ReferrerView {
  return state.key === key ? state.view : defaultReferrerView
}
