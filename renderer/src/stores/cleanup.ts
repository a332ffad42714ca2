// The cleanup dialog's state. Two plans, on purpose:
// - the LIVE plan, evaluated here as the user types, from the details the tag view already loaded
//   (no registry traffic per keystroke; tags whose details have not arrived are shown as kept);
// - the REVIEWED plan, computed by the core from fresh details when the user asks to review. Only
//   that one is executed, with its digests as `expectedDigests` (a tag moved since is refused).
// Execution goes in small batches so the dialog can count progress and stop between batches
// (cancel); a DELETE already sent is never called back.
// On GitLab the same rules can instead be handed to GitLab's bulk delete (shared/gitlab-cleanup.ts):
// Berth shows what it will send, GitLab answers that it accepted, and runs the cleanup later.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import {
  cleanupRulesSchema,
  evaluateCleanup,
  type CleanupPlan,
  type CleanupRules,
  type CleanupTagInfo,
} from '../../../shared/cleanup-rules'
import type { DeleteResult } from '../../../shared/types'
import type { ApiResponses } from '../../../shared/ipc'
import { gitlabBulkRequestFor, type GitlabBulkRequest } from '../../../shared/gitlab-cleanup'
import type { TagRow } from '../model/tag-rows'
import { call } from '../api/call'

/** The form as typed: strings, so half-typed input is never lost to parsing. */
export interface RuleFields {
  keepN: string
  keepRegex: string
  removeRegex: string
  olderThan: string
  unlockLatest: boolean
}

export type RuleErrors = Partial<Record<keyof RuleFields, string>>

export type CleanupPhase =
  | { kind: 'editing' }
  | { kind: 'reviewing' }
  | { kind: 'confirm'; plan: CleanupPlan }
  | { kind: 'running'; plan: CleanupPlan; done: number; total: number; cancelling: boolean }
  | { kind: 'done'; plan: CleanupPlan; results: DeleteResult[]; cancelled: string[]; note: string }
  | { kind: 'error'; error: BerthErrorData }
  /** GitLab's bulk delete: what will be sent, being sent, what GitLab accepted, or why it refused. */
  | { kind: 'server-confirm'; request: GitlabBulkRequest; notes: string[] }
  | { kind: 'server-submitting'; request: GitlabBulkRequest; notes: string[] }
  | { kind: 'server-accepted'; result: ApiResponses['submitGitlabBulkDelete']; notes: string[] }
  | { kind: 'server-error'; request: GitlabBulkRequest; notes: string[]; error: BerthErrorData }

export const emptyFields: RuleFields = { keepN: '', keepRegex: '', removeRegex: '', olderThan: '', unlockLatest: false }

/** Tags per runCleanup call: small enough for a live count and a prompt cancel. */
export const runBatchSize = 5

interface CleanupStore {
  registryId: string
  repository: string
  /** The multi-selection the dialog was opened on, or null for the whole repository. */
  selection: string[] | null
  fields: RuleFields
  savedAt: string | null
  phase: CleanupPhase
  open: (registryId: string, repository: string, selection: string[] | null) => Promise<void>
  setField: <K extends keyof RuleFields>(key: K, value: RuleFields[K]) => void
  save: () => Promise<BerthErrorData | null>
  review: () => Promise<void>
  back: () => void
  run: (tags?: string[]) => Promise<void>
  cancel: () => void
  /** The rules in GitLab's vocabulary, to confirm; a message when they cannot be expressed there. */
  prepareServerCleanup: () => string | null
  submitServerCleanup: () => Promise<void>
}

export function fieldsToRules(fields: RuleFields): { rules: CleanupRules | null; errors: RuleErrors } {
  const errors: RuleErrors = {}
  const keepN = fields.keepN.trim() === '' ? 0 : Number(fields.keepN)
  if (!Number.isInteger(keepN) || keepN < 0) errors.keepN = 'A whole number (0 or empty = no rule).'
  const parsed = cleanupRulesSchema.safeParse({ ...fields, keepN: Number.isInteger(keepN) ? keepN : 0, olderThan: fields.olderThan.trim() })
  if (!parsed.success) for (const issue of parsed.error.issues) errors[issue.path[0] as keyof RuleFields] ??= issue.message
  return { rules: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null, errors }
}

export function rulesToFields(rules: CleanupRules): RuleFields {
  return { ...rules, keepN: rules.keepN === 0 ? '' : String(rules.keepN) }
}

/**
 * The live plan from the details the registry confirmed in this load; tags still loading or still
 * being checked (cached or earlier rows: their digest may have moved) are kept and say so.
 */
export function livePlan(
  repository: string,
  tags: readonly string[],
  rows: ReadonlyMap<string, TagRow>,
  rules: CleanupRules,
  selection: string[] | null,
  now: number,
): CleanupPlan {
  const unconfirmed = new Map<string, string>()
  const infos: CleanupTagInfo[] = tags.map((tag) => {
    const row = rows.get(tag)
    const result = row?.checking === null ? row.result : undefined
    if (result === undefined)
      unconfirmed.set(
        tag,
        row?.result === undefined
          ? 'Details still loading: kept until they arrive.'
          : 'Being checked with the registry: kept until confirmed.',
      )
    if (!result?.ok) return { tag, digest: null, kind: 'unknown', created: null, createdSource: 'unknown', children: [] }
    const x = result.details
    return {
      tag,
      digest: x.digest,
      kind: x.kind,
      created: x.created,
      createdSource: x.createdSource,
      ...(x.pushed !== undefined ? { pushed: x.pushed } : {}),
      children: x.kind === 'index' ? x.platforms.map((p) => p.digest) : [],
    }
  })
  const plan = evaluateCleanup(repository, infos, rules, { now, ...(selection ? { selection } : {}) })
  for (const item of plan.items) {
    const why = unconfirmed.get(item.tag)
    if (item.reason === 'unreadable' && why !== undefined) item.why = why
  }
  return plan
}

export const useCleanup = create<CleanupStore>()((set, get) => {
  let cancelRequested = false
  return {
    registryId: '',
    repository: '',
    selection: null,
    fields: emptyFields,
    savedAt: null,
    phase: { kind: 'editing' },
    async open(registryId, repository, selection) {
      cancelRequested = false
      set({ registryId, repository, selection, fields: emptyFields, savedAt: null, phase: { kind: 'editing' } })
      const saved = await call('loadCleanupRules', { registryId, repository })
      // Saved rules fill the form; nothing runs until the user reviews and confirms.
      if (saved.ok && saved.value && get().repository === repository)
        set({ fields: rulesToFields(saved.value.rules), savedAt: saved.value.savedAt })
    },
    setField: (key, value) => set({ fields: { ...get().fields, [key]: value } }),
    async save() {
      const { rules } = fieldsToRules(get().fields)
      if (!rules) return { code: 'invalid_input', message: 'Fix the highlighted rules first.' }
      const result = await call('saveCleanupRules', { registryId: get().registryId, repository: get().repository, rules })
      if (!result.ok) return result.error
      set({ savedAt: result.value.savedAt })
      return null
    },
    async review() {
      const { rules } = fieldsToRules(get().fields)
      if (!rules) return
      const { registryId, repository, selection } = get()
      set({ phase: { kind: 'reviewing' } })
      const result = await call('previewCleanup', { registryId, repository, rules, ...(selection ? { selection } : {}) })
      set({ phase: result.ok ? { kind: 'confirm', plan: result.value } : { kind: 'error', error: result.error } })
    },
    back: () => set({ phase: { kind: 'editing' } }),
    async run(only) {
      const phase = get().phase
      const plan = phase.kind === 'confirm' || phase.kind === 'done' ? phase.plan : null
      if (!plan) return
      const { registryId, repository } = get()
      const tags = only ?? plan.remove
      cancelRequested = false
      const results: DeleteResult[] = []
      set({ phase: { kind: 'running', plan, done: 0, total: tags.length, cancelling: false } })
      let note = ''
      for (let i = 0; i < tags.length; i += runBatchSize) {
        if (cancelRequested) break
        const batch = tags.slice(i, i + runBatchSize)
        const expectedDigests = Object.fromEntries(batch.map((t) => [t, plan.expectedDigests[t] ?? '']))
        const result = await call('runCleanup', { registryId, repository, tags: batch, expectedDigests })
        if (result.ok) {
          for (const row of result.value.results) results.push(row)
          note = result.value.note
        } else {
          // The whole call failed (network, auth): every tag of the batch is reported with that error.
          for (const tag of batch)
            results.push({ tag, digest: expectedDigests[tag] ?? '', ok: false, removedTags: [], error: result.error })
        }
        const now = get().phase
        set({
          phase: { kind: 'running', plan, done: results.length, total: tags.length, cancelling: now.kind === 'running' && now.cancelling },
        })
      }
      const attempted = new Set(results.map((r) => r.tag))
      set({ phase: { kind: 'done', plan, results, cancelled: tags.filter((t) => !attempted.has(t)), note } })
    },
    cancel() {
      cancelRequested = true
      const phase = get().phase
      if (phase.kind === 'running') set({ phase: { ...phase, cancelling: true } })
    },
    prepareServerCleanup() {
      const { rules } = fieldsToRules(get().fields)
      if (!rules) return 'Fix the highlighted rules first.'
      const translated = gitlabBulkRequestFor(rules)
      if (!translated.ok) return translated.error
      set({ phase: { kind: 'server-confirm', request: translated.request, notes: translated.notes } })
      return null
    },
    async submitServerCleanup() {
      const phase = get().phase
      if (phase.kind !== 'server-confirm' && phase.kind !== 'server-error') return
      const { request, notes } = phase
      const { registryId, repository } = get()
      set({ phase: { kind: 'server-submitting', request, notes } })
      const result = await call('submitGitlabBulkDelete', { registryId, repository, ...request })
      if (get().repository !== repository) return
      set({
        phase: result.ok
          ? { kind: 'server-accepted', result: result.value, notes }
          : { kind: 'server-error', request, notes, error: result.error },
      })
    },
  }
})
