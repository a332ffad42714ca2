// The storage view's state (issue 21): one measurement at a time (startUsage, then `usageProgress`
// events and one `usageFinished`), and deleting untagged images by digest (preview, then delete).
//
// `usageFinished` may arrive before startUsage answers with the job id: events are kept by job id
// until the answer says whose they are. Closing the view cancels a running measurement: nobody is
// left to read it.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { ApiEvents } from '../../../shared/ipc'
import type { UntaggedDeletePreview, UntaggedDeleteResult, UsageProgress, UsageResult } from '../../../shared/usage'
import { call, eventsReady, onApiEvent } from '../api/call'

export interface StorageScope {
  registryId: string
  /** Null: every repository of the registry. */
  repository: string | null
}

export type StoragePhase =
  | { kind: 'idle' }
  | { kind: 'measuring'; jobId: string | null; progress: UsageProgress | null; cancelling: boolean }
  | { kind: 'done'; result: UsageResult }
  | { kind: 'failed'; error: BerthErrorData }

export type UntaggedStep =
  | { kind: 'none' }
  | { kind: 'previewing'; digests: string[] }
  | { kind: 'preview'; preview: UntaggedDeletePreview }
  | { kind: 'deleting'; preview: UntaggedDeletePreview }
  | { kind: 'deleted'; results: UntaggedDeleteResult[]; note: string }
  | { kind: 'failed'; error: BerthErrorData }

interface StorageStore {
  scope: StorageScope | null
  phase: StoragePhase
  untagged: UntaggedStep
  measure: (scope: StorageScope) => Promise<void>
  cancel: () => void
  close: () => void
  previewUntagged: (digests: string[]) => Promise<void>
  deleteUntagged: () => Promise<void>
  dismissUntagged: () => void
}

/** Which start this is: answers and events of an earlier one are not applied to it. */
let runs = 0
const early = new Map<string, ApiEvents['usageFinished']>()

export const useStorage = create<StorageStore>()((set, get) => {
  const finish = (payload: ApiEvents['usageFinished']): void => {
    const phase = get().phase
    if (phase.kind !== 'measuring' || phase.jobId !== payload.jobId) return
    set({
      phase: payload.result
        ? { kind: 'done', result: payload.result }
        : { kind: 'failed', error: payload.error ?? { code: 'internal', message: 'The measurement ended without a result.' } },
    })
  }
  onApiEvent('usageProgress', ({ jobId, progress }) => {
    const phase = get().phase
    if (phase.kind === 'measuring' && phase.jobId === jobId) set({ phase: { ...phase, progress } })
  })
  onApiEvent('usageFinished', (payload) => {
    const phase = get().phase
    if (phase.kind === 'measuring' && phase.jobId === null) early.set(payload.jobId, payload)
    else finish(payload)
  })
  return {
    scope: null,
    phase: { kind: 'idle' },
    untagged: { kind: 'none' },
    async measure(scope) {
      get().cancel()
      const run = ++runs
      early.clear()
      set({
        scope,
        phase: { kind: 'measuring', jobId: null, progress: null, cancelling: false },
        untagged: { kind: 'none' },
      })
      await eventsReady()
      const answer = await call('startUsage', {
        registryId: scope.registryId,
        ...(scope.repository !== null ? { repository: scope.repository } : { prefix: '' }),
        verify: false,
        // The repository view draws sizes over time: configs Berth lacks are read for their build date.
        dates: scope.repository !== null,
      })
      if (run !== runs) {
        if (answer.ok) void call('cancelUsage', { jobId: answer.value.jobId })
        return
      }
      if (!answer.ok) {
        set({ phase: { kind: 'failed', error: answer.error } })
        return
      }
      const phase = get().phase
      if (phase.kind !== 'measuring') return
      set({ phase: { ...phase, jobId: answer.value.jobId } })
      const finished = early.get(answer.value.jobId)
      early.clear()
      if (finished) finish(finished)
      else if (phase.cancelling) void call('cancelUsage', { jobId: answer.value.jobId })
    },
    cancel() {
      const phase = get().phase
      if (phase.kind !== 'measuring' || phase.cancelling) return
      set({ phase: { ...phase, cancelling: true } })
      if (phase.jobId !== null) void call('cancelUsage', { jobId: phase.jobId })
    },
    close() {
      get().cancel()
      runs++
      set({ scope: null, phase: { kind: 'idle' }, untagged: { kind: 'none' } })
    },
    async previewUntagged(digests) {
      const scope = get().scope
      if (!scope?.repository) return
      set({ untagged: { kind: 'previewing', digests } })
      const answer = await call('previewUntaggedDelete', { registryId: scope.registryId, repository: scope.repository, digests })
      set({ untagged: answer.ok ? { kind: 'preview', preview: answer.value } : { kind: 'failed', error: answer.error } })
    },
    async deleteUntagged() {
      const { scope, untagged } = get()
      if (!scope?.repository || untagged.kind !== 'preview') return
      set({ untagged: { kind: 'deleting', preview: untagged.preview } })
      const answer = await call('deleteUntagged', {
        registryId: scope.registryId,
        repository: scope.repository,
        digests: untagged.preview.items.map((i) => i.digest),
      })
      if (!answer.ok) {
        set({ untagged: { kind: 'failed', error: answer.error } })
        return
      }
      // The tags' figures do not change: drop the deleted images from the list rather than measure again.
      const gone = new Set(answer.value.results.filter((r) => r.ok).flatMap((r) => [r.digest, ...r.deleted]))
      const phase = get().phase
      const next =
        phase.kind === 'done' && phase.result.scope === 'repository'
          ? (() => {
              const usage = phase.result.usage
              const kept = usage.untagged.filter((u) => !gone.has(u.digest))
              const freed = usage.untagged.filter((u) => gone.has(u.digest)).reduce((sum, u) => sum + u.freesBytes, 0)
              return {
                kind: 'done' as const,
                result: {
                  scope: 'repository' as const,
                  usage: { ...usage, untagged: kept, untaggedBytes: Math.max(0, usage.untaggedBytes - freed) },
                },
              }
            })()
          : phase
      set({ phase: next, untagged: { kind: 'deleted', results: answer.value.results, note: answer.value.note } })
    },
    dismissUntagged: () => set({ untagged: { kind: 'none' } }),
  }
})
