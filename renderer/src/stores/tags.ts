// The open repository's tags and their details. Details load lazily in batches (≤ 50 tags a call,
// a few calls in flight): the rows on screen first, then every other tag in the background, so
// sorting by date or size works over all tags and not just a page.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { TagDetailsResult } from '../../../shared/types'
import { call } from '../api/call'
import { detailsConcurrency, nextDetailsBatch } from '../model/details-plan'

interface TagsStore {
  registryId: string | null
  repository: string | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  tags: string[]
  error: BerthErrorData | null
  /** Per tag; after a refresh, the previous answer stays until the new one arrives. */
  details: Record<string, TagDetailsResult>
  /** How many tags have details from the current load (progress = loaded / tags.length). */
  loaded: number
  /** Tags whose details are being fetched right now. */
  inflight: number
  open: (registryId: string, repository: string) => Promise<void>
  refresh: () => Promise<void>
  close: () => void
  retry: (tags: readonly string[]) => void
}

// Loader state outside the store: it changes on every batch and nothing renders from it directly.
let generation = 0
let order: readonly string[] = []
let visible: readonly string[] = []
const pending = new Set<string>()
/** Tags answered during the current load (a refresh starts over; old answers stay on screen). */
const fresh = new Set<string>()
let running = 0

export const useTags = create<TagsStore>()((set, get) => ({
  registryId: null,
  repository: null,
  status: 'idle',
  tags: [],
  error: null,
  details: {},
  loaded: 0,
  inflight: 0,
  open: async (registryId, repository) => {
    const s = get()
    if (s.registryId === registryId && s.repository === repository && s.status !== 'error' && s.status !== 'idle') return
    await load(registryId, repository)
  },
  refresh: async () => {
    const { registryId, repository } = get()
    if (registryId === null || repository === null) return
    await load(registryId, repository)
  },
  close: () => {
    generation++
    resetLoader()
    set({ registryId: null, repository: null, status: 'idle', tags: [], error: null, details: {}, loaded: 0, inflight: 0 })
  },
  retry: (tags) => {
    const details = { ...get().details }
    for (const t of tags) {
      delete details[t]
      fresh.delete(t)
    }
    set({ details, loaded: fresh.size })
    // Retried tags jump the queue.
    visible = [...tags, ...visible]
    pump()
  },
}))

function resetLoader(): void {
  order = []
  visible = []
  pending.clear()
  fresh.clear()
  running = 0
}

/**
 * A refresh keeps the previous details on screen while it asks again for every tag: content at a
 * digest never changes, but a tag can move to another digest, so nothing is trusted as current.
 */
async function load(registryId: string, repository: string): Promise<void> {
  const gen = ++generation
  resetLoader()
  const before = useTags.getState()
  const sameRepo = before.registryId === registryId && before.repository === repository
  useTags.setState({
    registryId,
    repository,
    status: 'loading',
    error: null,
    tags: sameRepo ? before.tags : [],
    details: sameRepo ? before.details : {},
    loaded: 0,
    inflight: 0,
  })
  const result = await call('listTags', { registryId, repository })
  if (gen !== generation) return
  if (!result.ok) {
    useTags.setState({ status: 'error', error: result.error })
    return
  }
  const tags = result.value.tags
  const present = new Set(tags)
  const kept = Object.fromEntries(Object.entries(useTags.getState().details).filter(([t]) => present.has(t)))
  useTags.setState({ status: 'ready', tags, details: kept })
  order = tags
  pump()
}

/** The table reports what is on screen and the order it shows; the loader follows. */
export function setDetailsPriority(visibleTags: readonly string[], displayOrder: readonly string[]): void {
  visible = visibleTags
  order = displayOrder
  pump()
}

function pump(): void {
  const { registryId, repository, status } = useTags.getState()
  if (registryId === null || repository === null || status !== 'ready') return
  const gen = generation
  while (running < detailsConcurrency) {
    const batch = nextDetailsBatch({ order, visible, skip: (t) => pending.has(t) || fresh.has(t) })
    if (batch.length === 0) break
    running++
    for (const t of batch) pending.add(t)
    useTags.setState({ inflight: pending.size })
    void fetchBatch(gen, registryId, repository, batch)
  }
}

async function fetchBatch(gen: number, registryId: string, repository: string, batch: string[]): Promise<void> {
  const result = await call('getTagDetails', { registryId, repository, tags: batch })
  if (gen !== generation) return
  running--
  for (const t of batch) {
    pending.delete(t)
    fresh.add(t)
  }
  const details = { ...useTags.getState().details }
  if (result.ok) {
    for (const r of result.value) details[r.tag] = r
    // A tag the core did not answer for is an error too, not an eternal spinner.
    for (const t of batch) details[t] ??= { tag: t, ok: false, error: { code: 'invalid_response', message: 'No details were returned for this tag.' } }
  } else {
    for (const t of batch) details[t] = { tag: t, ok: false, error: result.error }
  }
  useTags.setState({ details, loaded: fresh.size, inflight: pending.size })
  pump()
}
