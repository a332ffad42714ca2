// The open repository's tags and their details. Details load lazily in batches (≤ 50 tags a call,
// a few calls in flight): the rows on screen first, then every other tag in the background, so
// sorting by date or size works over all tags and not just a page.
//
// Stale-while-revalidate, honestly: on opening, Berth's cached details (what each tag pointed at
// when last verified, read from local caches without a registry request) are shown at once, marked
// as being checked, until getTagDetails answers for that tag in this load. A refresh marks the
// previous answers the same way. A checked answer replaces the row whatever it says (moved digest,
// error); tags missing from the registry's list are dropped. Nothing acts on an unchecked row:
// see verifiedDetailsOf in model/tag-rows.ts.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { CachedTagDetails, TagDetails, TagDetailsResult } from '../../../shared/types'
import { compareTagNames } from '../../../shared/tag-sort'
import { call } from '../api/call'
import { detailsConcurrency, nextDetailsBatch } from '../model/details-plan'
import { relativeDate } from '../model/relative-date'
import type { TagRow } from '../model/tag-rows'

interface TagsStore {
  registryId: string | null
  repository: string | null
  status: 'idle' | 'loading' | 'ready' | 'error'
  /** The registry's tag list; before it arrives (status 'loading'), the tags the cache knows. */
  tags: string[]
  error: BerthErrorData | null
  /**
   * What each tag's row shows; absent = nothing known yet. A row is replaced, never changed, so the
   * table re-renders only the rows whose object changed.
   */
  rows: ReadonlyMap<string, TagRow>
  /** How many tags the registry answered for in this load (progress = loaded / tags.length). */
  loaded: number
  /** Tags whose details are being fetched right now. */
  inflight: number
  /** This load shows cached or earlier rows: its progress is the check of rows already on screen. */
  checking: boolean
  open: (registryId: string, repository: string) => Promise<void>
  refresh: () => Promise<void>
  close: () => void
  retry: (tags: readonly string[]) => void
}

const noRows: ReadonlyMap<string, TagRow> = new Map()

// Loader state outside the store: it changes on every batch and nothing renders from it directly.
let generation = 0
let order: readonly string[] = []
let visible: readonly string[] = []
const pending = new Set<string>()
/** Tags answered during the current load (a refresh starts over; old answers stay on screen). */
const fresh = new Set<string>()
let running = 0
/**
 * Answers not in the store yet. They are applied together once per frame: with 10,000 rows each
 * store update copies the row map and may re-sort, and three calls in flight answer often.
 */
let unapplied: TagDetailsResult[] = []
let applyScheduled = false

export const useTags = create<TagsStore>()((set, get) => ({
  registryId: null,
  repository: null,
  status: 'idle',
  tags: [],
  error: null,
  rows: noRows,
  loaded: 0,
  inflight: 0,
  checking: false,
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
    set({
      registryId: null,
      repository: null,
      status: 'idle',
      tags: [],
      error: null,
      rows: noRows,
      loaded: 0,
      inflight: 0,
      checking: false,
    })
  },
  retry: (tags) => {
    const rows = new Map(get().rows)
    for (const t of tags) {
      rows.delete(t)
      fresh.delete(t)
    }
    set({ rows, loaded: fresh.size })
    // Retried tags jump the queue.
    visible = [...tags, ...visible]
    pump()
  },
}))

/**
 * `keepPriority`: a reload of the same repository keeps what the table last reported (its order and
 * visible rows), because the table reports again only when its order changes, and a reload that
 * confirms the same tags leaves that order as it was.
 */
function resetLoader(keepPriority = false): void {
  if (!keepPriority) {
    order = []
    visible = []
  }
  pending.clear()
  fresh.clear()
  running = 0
  unapplied = []
}

/** The previous load's rows, kept on screen during a refresh but no longer taken as current. */
function asEarlier(rows: ReadonlyMap<string, TagRow>): Map<string, TagRow> {
  const out = new Map<string, TagRow>()
  for (const [tag, row] of rows) out.set(tag, row.checking === null && row.result !== undefined ? { ...row, checking: 'earlier' } : row)
  return out
}

/**
 * A refresh keeps the previous details on screen while it asks again for every tag: content at a
 * digest never changes, but a tag can move to another digest, so nothing is trusted as current.
 */
async function load(registryId: string, repository: string): Promise<void> {
  const gen = ++generation
  const before = useTags.getState()
  const sameRepo = before.registryId === registryId && before.repository === repository
  resetLoader(sameRepo)
  const earlier = sameRepo ? asEarlier(before.rows) : new Map<string, TagRow>()
  useTags.setState({
    registryId,
    repository,
    status: 'loading',
    error: null,
    tags: sameRepo ? before.tags : [],
    rows: earlier,
    loaded: 0,
    inflight: 0,
    checking: earlier.size > 0,
  })
  // Both at once: the cache answers from disk, usually well before the registry lists the tags.
  void call('getCachedTagDetails', { registryId, repository }).then((cached) => {
    // Without cached rows the table simply waits for the registry, as on a first visit.
    if (cached.ok && gen === generation) showCached(cached.value)
  })
  const listing = call('listTags', { registryId, repository })
  prepareFormats()
  const result = await listing
  if (gen !== generation) return
  if (!result.ok) {
    useTags.setState({ status: 'error', error: result.error })
    return
  }
  const now = useTags.getState()
  // The same tags as the cached rows already on screen: keep that array, so the table (which sorts
  // and renders per tag array) has nothing to redo when the registry confirms the list.
  // One set of the listed tags serves both checks: with 10,000 tags this can land before the cached
  // rows' first paint.
  const present = new Set(result.value.tags)
  const tags = sameTags(now.tags, result.value.tags, present) ? now.tags : result.value.tags
  let anyGone = false
  for (const t of now.rows.keys()) {
    if (!present.has(t)) {
      anyGone = true
      break
    }
  }
  const listedRows = anyGone ? new Map([...now.rows].filter(([t]) => present.has(t))) : now.rows
  useTags.setState({ status: 'ready', tags, rows: listedRows })
  // The table reported its order for the cached rows: check in that order (minus tags gone) until
  // it reports the order with the registry's list, rather than in the registry's order.
  order = order.length > 0 ? order.filter((t) => present.has(t)) : tags
  pump()
}

/**
 * A page's first Intl.RelativeTimeFormat and its first collator comparison load locale data, several
 * ms each: done once while the cache and the registry answer, not in the first render of the rows.
 */
let formatsPrepared = false
function prepareFormats(): void {
  if (formatsPrepared) return
  formatsPrepared = true
  relativeDate(new Date().toISOString())
  compareTagNames('build-9', 'build-10')
}

/**
 * Cached details fill only rows nothing newer is known for (an answer of this load, or the earlier
 * answer a refresh keeps), and only for tags the registry still lists once its list is in.
 *
 * Unpacked straight into rows (shared/cached-details.ts spells the same rows out): this is on the
 * path to the first paint of a warm open, and with 10,000 tags `{ ...details, tag }` per tag was
 * most of it. Each tag still gets its own details object, cloned from one per digest that already
 * has the `tag` property: V8 copies an object of a known shape in one step, then the tag is set in place.
 */
function showCached(cached: CachedTagDetails): void {
  const s = useTags.getState()
  const listed = s.status === 'ready' ? new Set(s.tags) : null
  const templates = new Map<string, TagDetails>()
  for (const details of cached.details) templates.set(details.digest, { tag: '', ...details })
  const rows = new Map(s.rows)
  const added: string[] = []
  for (const tag of Object.keys(cached.tags)) {
    const template = templates.get(cached.tags[tag] ?? '')
    // A tag naming a digest without details is left out, as unpackCachedTagDetails does.
    if (template === undefined || rows.has(tag) || (listed !== null && !listed.has(tag))) continue
    const details = { ...template }
    details.tag = tag
    rows.set(tag, { tag, result: { tag, ok: true, details }, checking: 'cache' })
    added.push(tag)
  }
  if (added.length === 0) return
  // Until the registry's list arrives, the cached tags stand in for it: the list drops any gone since.
  // In code-unit order, as registries list them: sorting by name then finds them nearly in order.
  const known = new Set(s.tags)
  const tags = listed !== null ? s.tags : [...s.tags, ...added.filter((t) => !known.has(t))].sort()
  useTags.setState({ rows, tags, checking: true })
}

/** `listedSet` = new Set(listed). */
function sameTags(shown: readonly string[], listed: readonly string[], listedSet: ReadonlySet<string>): boolean {
  if (shown.length !== listed.length || listedSet.size !== listed.length) return false
  return shown.every((t) => listedSet.has(t))
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
  let started = false
  while (running < detailsConcurrency) {
    const batch = nextDetailsBatch({ order, visible, skip: (t) => pending.has(t) || fresh.has(t) })
    if (batch.length === 0) break
    running++
    started = true
    for (const t of batch) pending.add(t)
    void fetchBatch(gen, registryId, repository, batch)
  }
  if (started) useTags.setState({ inflight: pending.size })
}

async function fetchBatch(gen: number, registryId: string, repository: string, batch: string[]): Promise<void> {
  const result = await call('getTagDetails', { registryId, repository, tags: batch })
  if (gen !== generation) return
  running--
  const answers = new Map<string, TagDetailsResult>()
  if (result.ok) for (const r of result.value) answers.set(r.tag, r)
  for (const t of batch) {
    pending.delete(t)
    fresh.add(t)
    // A tag the core did not answer for is an error too, not an eternal spinner.
    const fallback: TagDetailsResult = result.ok
      ? { tag: t, ok: false, error: { code: 'invalid_response', message: 'No details were returned for this tag.' } }
      : { tag: t, ok: false, error: result.error }
    unapplied.push(answers.get(t) ?? fallback)
  }
  scheduleApply()
  pump()
}

/** Where the browser paints, once per frame; elsewhere (Node tests) on the next turn. */
const frames = (globalThis as { requestAnimationFrame?: (callback: () => void) => number }).requestAnimationFrame
const nextFrame = (callback: () => void): void => {
  if (frames) frames(callback)
  else setTimeout(callback, 0)
}

/** Whatever is unapplied belongs to the current load: resetLoader drops the answers of older ones. */
function scheduleApply(): void {
  if (applyScheduled) return
  applyScheduled = true
  nextFrame(() => {
    applyScheduled = false
    applyAnswers()
  })
}

function applyAnswers(): void {
  if (unapplied.length === 0) return
  const rows = new Map(useTags.getState().rows)
  for (const answer of unapplied) rows.set(answer.tag, { tag: answer.tag, result: answer, checking: null })
  unapplied = []
  useTags.setState({ rows, loaded: fresh.size, inflight: pending.size })
}
