// Docker Hub's pull quota per registry, as the core last saw it in the registry's `ratelimit-*`
// headers (getRateLimit). Asked again after each tag listing and when details finish loading,
// since manifest GETs are what count against it.
import { create } from 'zustand'
import type { RateLimitView } from '../../../shared/ipc'
import { call } from '../api/call'

interface RateLimitStore {
  /** null: the registry reported no quota (yet); absent: not asked. */
  byRegistry: Readonly<Record<string, RateLimitView | null>>
  refresh: (registryId: string) => Promise<void>
}

export const useRateLimits = create<RateLimitStore>()((set, get) => ({
  byRegistry: {},
  async refresh(registryId) {
    const result = await call('getRateLimit', { registryId })
    // A failure to ask leaves what was shown: the quota is a hint, never a reason for an error.
    if (!result.ok) return
    set({ byRegistry: { ...get().byRegistry, [registryId]: result.value } })
  },
}))
