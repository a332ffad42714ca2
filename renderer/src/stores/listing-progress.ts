// Counts of listings paging in (`listingProgress` pushes), so a long catalog or tag list shows how
// far it got instead of placeholder rows only. Keyed by registry and repository (null: the
// registry's repositories); the view that waits clears its key when it starts and stops waiting.
import { create } from 'zustand'
import type { ApiEvents } from '../../../shared/ipc'
import { onApiEvent } from '../api/call'

export interface ListingCount {
  items: number
  pages: number
}

interface ListingProgressStore {
  counts: Readonly<Record<string, ListingCount>>
  clear: (key: string) => void
}

export function listingKey(registryId: string, repository: string | null): string {
  return `${registryId}\n${repository ?? ''}`
}

export const useListingProgress = create<ListingProgressStore>()((set, get) => ({
  counts: {},
  clear(key) {
    if (!(key in get().counts)) return
    const counts = { ...get().counts }
    delete counts[key]
    set({ counts })
  },
}))

export function applyListingProgress({ registryId, repository, items, pages }: ApiEvents['listingProgress']): void {
  const key = listingKey(registryId, repository)
  useListingProgress.setState({ counts: { ...useListingProgress.getState().counts, [key]: { items, pages } } })
}

/** Starts following the core's listing pushes; returns the function that stops it. */
export function followListingProgress(): () => void {
  return onApiEvent('listingProgress', applyListingProgress)
}
