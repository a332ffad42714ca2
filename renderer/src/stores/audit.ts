// The activity view's data: one registry's audit log (deletes, copies, tag writes, cleanups handed
// to GitLab), newest first, read from the core's audit.log. Filtering is local (model/audit-filter.ts).
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { AuditEntry } from '../../../shared/types'
import { call } from '../api/call'

/** As many as the view reads at once; "Show more" asks for the next step up to the core's maximum. */
export const auditPage = 500
export const auditMax = 10_000

interface AuditStore {
  registryId: string | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  /** Newest first. */
  entries: AuditEntry[]
  /** How many were asked for: fewer back means the log holds no more. */
  limit: number
  error: BerthErrorData | null
  load: (registryId: string, limit?: number) => Promise<void>
  reset: () => void
}

let generation = 0

export const useAudit = create<AuditStore>()((set, get) => ({
  registryId: null,
  status: 'idle',
  entries: [],
  limit: auditPage,
  error: null,
  async load(registryId, limit = auditPage) {
    const gen = ++generation
    const same = get().registryId === registryId
    set({ registryId, status: 'loading', error: null, limit, ...(same ? {} : { entries: [] }) })
    const result = await call('readAuditLog', { registryId, limit })
    if (gen !== generation) return
    if (result.ok) set({ status: 'ready', entries: [...result.value].reverse() })
    else set({ status: 'error', error: result.error })
  },
  reset() {
    generation++
    set({ registryId: null, status: 'idle', entries: [], limit: auditPage, error: null })
  },
}))

/** Whether asking for more could return more: the last answer filled what was asked. */
export function mayHaveMore(state: Pick<AuditStore, 'entries' | 'limit'>): boolean {
  return state.entries.length >= state.limit && state.limit < auditMax
}
