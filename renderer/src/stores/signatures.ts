// Cosign signatures in the app: the keys of the "Signature keys…" dialog, the table's mark per
// image, and the details panel's report. Marks are asked for only for images whose cosign
// `sha256-<hex>.sig` tag is in the tag list (no lookup for the others), and only once the details
// job has nothing in flight, so they never compete with the rows on screen. Main keeps results per
// (subject, signature manifest, keys); adding or removing a key clears what is shown here.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { SignatureKeyView } from '../../../shared/ipc'
import { cosignSignatureTag, summarizeSignatures, type SignatureReport, type SignatureSummary } from '../../../shared/signatures'
import { call } from '../api/call'
import { useTags, type TagsStore } from './tags'

type ReportState = { status: 'loading' } | { status: 'ready'; report: SignatureReport } | { status: 'error'; error: BerthErrorData }

interface SignaturesStore {
  keysRegistryId: string | null
  keys: SignatureKeyView[]
  keysStatus: 'idle' | 'loading' | 'ready' | 'error'
  keysError: BerthErrorData | null
  /** Marks of the open repository, by image digest. */
  marks: Record<string, SignatureSummary>
  /** Reports by `registryId|repository|digest`. */
  reports: Record<string, ReportState>
  loadKeys: (registryId: string) => Promise<void>
  addKey: (registryId: string, input: { repository?: string; name: string; pem: string }) => Promise<BerthErrorData | null>
  removeKey: (registryId: string, keyId: string) => Promise<BerthErrorData | null>
  loadReport: (registryId: string, repository: string, digest: string) => Promise<void>
}

export const reportKey = (registryId: string, repository: string, digest: string): string => `${registryId}|${repository}|${digest}`

/** Digests per request: a batch of marks is a few requests per image, two images at a time in main. */
const batchSize = 50

/** What the marks were asked for: the repository they belong to, and each digest asked once. */
const scheduler = { scope: '', asked: new Set<string>(), running: false }

export const useSignatures = create<SignaturesStore>()((set, get) => ({
  keysRegistryId: null,
  keys: [],
  keysStatus: 'idle',
  keysError: null,
  marks: {},
  reports: {},
  async loadKeys(registryId) {
    set({
      keysRegistryId: registryId,
      keysStatus: 'loading',
      keysError: null,
      ...(get().keysRegistryId === registryId ? {} : { keys: [] }),
    })
    const result = await call('listSignatureKeys', { registryId })
    if (get().keysRegistryId !== registryId) return
    if (result.ok) set({ keys: result.value, keysStatus: 'ready' })
    else set({ keysStatus: 'error', keysError: result.error })
  },
  async addKey(registryId, input) {
    const result = await call('addSignatureKey', { registryId, ...input })
    if (!result.ok) return result.error
    keysChanged()
    await get().loadKeys(registryId)
    return null
  },
  async removeKey(registryId, keyId) {
    const result = await call('removeSignatureKey', { registryId, keyId })
    if (!result.ok) return result.error
    keysChanged()
    await get().loadKeys(registryId)
    return null
  },
  async loadReport(registryId, repository, digest) {
    const key = reportKey(registryId, repository, digest)
    set({ reports: { ...get().reports, [key]: { status: 'loading' } } })
    const result = await call('verifySignatures', { registryId, repository, reference: digest })
    // The details also checked the referrers: the row gets the mark the table alone could not give it.
    const marks =
      result.ok && scheduler.scope === `${registryId}|${repository}` && result.value.signatures.length > 0
        ? { marks: { ...get().marks, [digest]: summarizeSignatures(result.value) } }
        : {}
    set({
      ...marks,
      reports: {
        ...get().reports,
        [key]: result.ok ? { status: 'ready', report: result.value } : { status: 'error', error: result.error },
      },
    })
  },
}))

/** New keys, new verdicts: every mark and report is asked for again. */
function keysChanged(): void {
  scheduler.asked.clear()
  useSignatures.setState({ marks: {}, reports: {} })
  scheduleMarks(useTags.getState())
}

/** The images of the open repository whose `.sig` tag is listed and whose mark was not asked for yet. */
export function signedDigestsToAsk(tags: Pick<TagsStore, 'tags' | 'rows'>, asked: ReadonlySet<string>): string[] {
  const listed = new Set(tags.tags)
  const digests = new Set<string>()
  for (const row of tags.rows.values()) {
    if (row.checking !== null || row.result === undefined || !row.result.ok) continue
    const digest = row.result.details.digest
    if (!asked.has(digest) && listed.has(cosignSignatureTag(digest))) digests.add(digest)
  }
  return [...digests]
}

function scheduleMarks(tags: TagsStore): void {
  if (tags.registryId === null || tags.repository === null || tags.status !== 'ready') return
  const scope = `${tags.registryId}|${tags.repository}`
  if (scope !== scheduler.scope) {
    scheduler.scope = scope
    scheduler.asked.clear()
    useSignatures.setState({ marks: {} })
  }
  // After the rows: nothing while the details job still has requests out.
  if (tags.inflight > 0 || scheduler.running || !tags.tags.some((tag) => tag.endsWith('.sig'))) return
  const pending = signedDigestsToAsk(tags, scheduler.asked)
  if (pending.length === 0) return
  void askMarks(tags.registryId, tags.repository, scope, pending)
}

async function askMarks(registryId: string, repository: string, scope: string, digests: string[]): Promise<void> {
  scheduler.running = true
  try {
    for (let i = 0; i < digests.length; i += batchSize) {
      const batch = digests.slice(i, i + batchSize)
      for (const digest of batch) scheduler.asked.add(digest)
      const result = await call('signatureSummaries', { registryId, repository, digests: batch })
      if (scheduler.scope !== scope) return
      if (result.ok) {
        const marks = { ...useSignatures.getState().marks }
        for (const summary of result.value) marks[summary.digest] = summary
        useSignatures.setState({ marks })
      }
    }
  } finally {
    scheduler.running = false
  }
  // Rows that arrived meanwhile.
  scheduleMarks(useTags.getState())
}

useTags.subscribe((state) => scheduleMarks(state))
