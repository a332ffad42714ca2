// Repository listings per registry: the catalog when the registry offers one, plus favourites.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { RepositoryListing } from '../../../shared/types'
import { call } from '../api/call'

export interface RepositoryEntry {
  status: 'loading' | 'ready' | 'error'
  listing?: RepositoryListing
  error?: BerthErrorData
}

interface RepositoriesStore {
  byRegistry: Record<string, RepositoryEntry>
  load: (registryId: string, force?: boolean) => Promise<void>
  forget: (registryId: string) => void
}

export const useRepositories = create<RepositoriesStore>()((set, get) => ({
  byRegistry: {},
  load: async (registryId, force = false) => {
    const existing = get().byRegistry[registryId]
    if (!force && existing && existing.status !== 'error') return
    set({ byRegistry: { ...get().byRegistry, [registryId]: { ...existing, status: 'loading' } } })
    const result = await call('listRepositories', { registryId })
    const entry: RepositoryEntry = result.ok ? { status: 'ready', listing: result.value } : { status: 'error', error: result.error }
    set({ byRegistry: { ...get().byRegistry, [registryId]: entry } })
  },
  forget: (registryId) => {
    const next = { ...get().byRegistry }
    delete next[registryId]
    set({ byRegistry: next })
  },
}))
