// The open repository's tags and their details. Details come from a job in the core
// (startTagDetails, electron/session/details-job.ts) that loads the rows on screen first, then a
// margin around them, then every other tag in the table's order, so sorting by date or size works
// over all tags and not just a page. Rows arrive one by one as `tagDetails` events; the table reports
// what it shows as the user scrolls, sorts or filters, and leaving the repository stops the job.
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
import type { ApiEvents } from '../../../shared/ipc'
import { call, eventsReady, onApiEvent } from '../api/call'
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

/** The store with no repository open: at start and after close(). */
const noRepository = {
  registryId: null,
  repository: null,
  status: 'idle',
  tags: [],
  error: null,
  rows: noRows,
  loaded: 0,
  inflight: 0,
  checking: false,
} as const satisfies Partial<TagsStore>

// Loader state outside the store: it changes on every answer and nothing renders from it directly.
let generation = 0
/** The core's details job for the open repository, once it started. */
let jobId: string | null = null
let order: readonly string[] = []
let visible: readonly string[] = []
/** The order last sent to the job: sent again only when the table's order is another array. */
let sentOrder: readonly string[] | null = null
/** Tags to load again (a retry), sent with the next priorities. */
let requeue: string[] = []
/** Tags answered during the current load (a refresh starts over; old answers stay on screen). */
const fresh = new Set<string>()
/**
 * Answers not in the store yet. They are applied together once per frame: with 10,000 rows each
 * store update copies the row map and may re-sort, and answers arrive many a frame.
 */
let unapplied: TagDetailsResult[] = []
/** Rows above and below the screen that load next, before the rest. */
const marginRows = 100
/** Past this many tags the job keeps the registry's order (a request stays small); visible rows still go first. */
const maxOrderSent = 20_000

export const useTags = create<TagsStore>()((set, get) => ({
  ...noRepository,
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
    stopJob()
    resetLoader()
    set(noRepository)
  },
  retry: (tags) => {
    const rows = new Map(get().rows)
    for (const t of tags) {
      rows.delete(t)
      fresh.delete(t)
    }
    set({ rows, loaded: fresh.size })
    // Retried tags jump the queue.
    requeue = [...requeue, ...tags]
    visible = [...tags, ...visible]
    schedulePriority()
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
  sentOrder = null
  requeue = []
  fresh.clear()
  unapplied = []
}

function stopJob(): void {
  if (jobId !== null) void call('stopTagDetails', { jobId })
  jobId = null
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
  stopJob()
  subscribeToDetails()
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
  await startJob(gen, registryId, repository)
}

/** Starts the core's job for the tags just listed, with the rows on screen first. */
async function startJob(gen: number, registryId: string, repository: string): Promise<void> {
  await eventsReady()
  if (gen !== generation) return
  starting = true
  earlyRows = []
  const started = await call('startTagDetails', {
    registryId,
    repository,
    visible: visible.slice(0, 2_000),
    ...(order.length <= maxOrderSent ? { order: [...order] } : {}),
  })
  sentOrder = order.length <= maxOrderSent ? order : null
  starting = false
  const waiting = earlyRows
  earlyRows = []
  if (gen !== generation) {
    // The user left before the job started: stop it at once.
    if (started.ok) void call('stopTagDetails', { jobId: started.value.jobId })
    return
  }
  if (!started.ok) {
    useTags.setState({ status: 'error', error: started.error })
    return
  }
  jobId = started.value.jobId
  const early = waiting.filter((payload) => payload.jobId === jobId)
  for (const payload of early) {
    for (const result of payload.results) {
      fresh.add(result.tag)
      unapplied.push(result)
    }
  }
  if (early.length > 0) scheduleApply()
  useTags.setState({ inflight: useTags.getState().tags.length - fresh.size })
  schedulePriority()
  watchForLostRows(gen)
}

/** With no row for this long while some are missing, the rows not received are asked for again. */
const quietMs = 4_000
let lastRowAt = 0

/**
 * A push can be lost (the web mode's event stream reconnected, say). A job that has gone quiet with
 * rows still missing gets those tags again; rows it is still loading are merely asked for twice.
 */
function watchForLostRows(gen: number): void {
  lastRowAt = Date.now()
  const check = (): void => {
    if (gen !== generation || jobId === null) return
    const { tags } = useTags.getState()
    if (fresh.size >= tags.length) return
    if (Date.now() - lastRowAt >= quietMs) {
      const missing = tags.filter((tag) => !fresh.has(tag)).slice(0, 10_000)
      requeue = [...requeue, ...missing]
      lastRowAt = Date.now()
      schedulePriority()
    }
    setTimeout(check, 1_000)
  }
  setTimeout(check, 1_000)
}

let subscribed = false
/** Between asking for a job and learning its id: rows that come meanwhile wait in earlyRows. */
let starting = false
let earlyRows: ApiEvents['tagDetails'][] = []
const maxEarlyRows = 10_000
/** Once per page, before any job starts: the web mode's event stream must be open when rows come. */
export function subscribeToDetails(): void {
  if (subscribed) return
  subscribed = true
  // A closed or reloaded tab stops its job: the core would otherwise keep loading for nobody.
  ;(globalThis as { addEventListener?: (event: string, listener: () => void) => void }).addEventListener?.('pagehide', () => stopJob())
  onApiEvent('tagDetails', (payload) => {
    if (payload.jobId !== jobId) {
      // The job's first rows can arrive before the answer that names it: keep them until it does.
      if (starting && earlyRows.length < maxEarlyRows) earlyRows.push(payload)
      return
    }
    lastRowAt = Date.now()
    for (const result of payload.results) {
      fresh.add(result.tag)
      unapplied.push(result)
    }
    scheduleApply()
  })
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

/** The table reports what is on screen and the order it shows; the job follows, once per frame. */
export function setDetailsPriority(visibleTags: readonly string[], displayOrder: readonly string[]): void {
  visible = visibleTags
  order = displayOrder
  schedulePriority()
}

/** The table's latest priorities go to the job once per frame, however often it reports. */
const schedulePriority = oncePerFrame(() => sendPriority())

function sendPriority(): void {
  if (jobId === null) return
  const onScreen = visible.slice(0, 2_000)
  const firstShown = onScreen.length > 0 ? order.indexOf(onScreen[0] ?? '') : -1
  const margin =
    firstShown < 0 ? [] : order.slice(Math.max(0, firstShown - marginRows), firstShown + onScreen.length + marginRows).slice(0, 5_000)
  const orderChanged = order !== sentOrder && order.length <= maxOrderSent
  const retried = requeue
  requeue = []
  void call('prioritizeTagDetails', {
    jobId,
    visible: onScreen,
    margin,
    ...(orderChanged ? { order: [...order] } : {}),
    ...(retried.length > 0 ? { requeue: retried.slice(0, 10_000) } : {}),
  })
  if (orderChanged) sentOrder = order
}

/** Where the browser paints, once per frame; elsewhere (Node tests) on the next turn. */
const frames = (globalThis as { requestAnimationFrame?: (callback: () => void) => number }).requestAnimationFrame
const nextFrame = (callback: () => void): void => {
  if (frames) frames(callback)
  else setTimeout(callback, 0)
}

/** Whatever is unapplied belongs to the current load: resetLoader drops the answers of older ones. */
const scheduleApply = oncePerFrame(() => applyAnswers())

/** `run`, at the next frame, once however many times it was asked for meanwhile. */
function oncePerFrame(run: () => void): () => void {
  let scheduled = false
  return () => {
    if (scheduled) return
    scheduled = true
    nextFrame(() => {
      scheduled = false
      run()
    })
  }
}

function applyAnswers(): void {
  if (unapplied.length === 0) return
  const rows = new Map(useTags.getState().rows)
  for (const answer of unapplied) rows.set(answer.tag, { tag: answer.tag, result: answer, checking: null })
  unapplied = []
  const { tags } = useTags.getState()
  useTags.setState({ rows, loaded: fresh.size, inflight: Math.max(0, tags.length - fresh.size) })
}
