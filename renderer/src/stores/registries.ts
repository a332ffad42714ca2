// Registry profiles as the core reports them (never a secret: `hasCredential` only).
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { RegistryView } from '../../../shared/types'
import { call } from '../api/call'

interface RegistriesStore {
  status: 'idle' | 'loading' | 'ready' | 'error'
  registries: RegistryView[]
  error: BerthErrorData | null
  load: () => Promise<void>
  /** Insert or replace one registry after save/login/trust/favourite changes. */
  upsert: (view: RegistryView) => void
  remove: (registryId: string) => void
}

export const useRegistries = create<RegistriesStore>()((set, get) => ({
  status: 'idle',
  registries: [],
  error: null,
  load: async () => {
    set({ status: 'loading', error: null })
    const result = await call('listRegistries', {})
    if (result.ok) set({ status: 'ready', registries: result.value })
    else set({ status: 'error', error: result.error })
  },
  upsert: (view) => {
    const list = get().registries
    const at = list.findIndex((r) => r.id === view.id)
    set({ registries: at >= 0 ? list.map((r) => (r.id === view.id ? view : r)) : [...list, view] })
  },
  remove: (registryId) => set({ registries: get().registries.filter((r) => r.id !== registryId) }),
}))

export function registryById(registries: readonly RegistryView[], id: string | null): RegistryView | undefined {
  return id === null ? undefined : registries.find((r) => r.id === id)
}
