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
import { create, type StoreApi, type UseBoundStore } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { CachedTagDetails, TagDetails, TagDetailsResult } from '../../../shared/types'
import { compareTagNames } from '../../../shared/tag-sort'
import type { ApiEvents } from '../../../shared/ipc'
import { installedApi, type ApiClient } from '../api/call'
import { relativeDate } from '../model/relative-date'
import type { TagRow } from '../model/tag-rows'

export interface TagsStore {
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
  /** The table reports what is on screen and the order it shows; the job follows, once per frame. */
  setDetailsPriority: (visibleTags: readonly string[], displayOrder: readonly string[], orderBasis?: object) => void
  /** Once, before any job starts: the web mode's event stream must be open when rows come. */
  subscribeToDetails: () => void
  /** Stops the job and every subscription: for a store made apart from the app's (tests). */
  dispose: () => void
}

export type TagsStoreHook = UseBoundStore<StoreApi<TagsStore>>

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

/** Rows above and below the screen that load next, before the rest. */
const marginRows = 100
/** Past this many tags the job keeps the registry's order (a request stays small); visible rows still go first. */
const maxOrderSent = 20_000
/** With no row for this long while some are missing, the rows not received are asked for again. */
const quietMs = 4_000
const maxEarlyRows = 10_000

/**
 * A store's loader state, outside the zustand state: it changes on every answer and nothing renders
 * from it directly. One per store, so a test's fresh store starts from nothing.
 */
interface Loader {
  generation: number
  /** The core's details job for the open repository, once it started. */
  jobId: string | null
  order: readonly string[]
  visible: readonly string[]
  /**
   * The order last sent to the job, and the table's basis for it (model/display-rows.ts): sent again
   * only when the basis changes (without one, when the order is another array). A date sort
   * re-orders rows every frame while answers arrive, never the rows still to load, and 10,000
   * names a frame would cost the page and the core more than the rows themselves.
   */
  sentOrder: readonly string[] | null
  orderBasis: object | null
  sentBasis: object | null
  /** Tags to load again (a retry), sent with the next priorities. */
  requeue: string[]
  /** Tags answered during the current load (a refresh starts over; old answers stay on screen). */
  fresh: Set<string>
  /**
   * Answers not in the store yet. They are applied together once per frame: with 10,000 rows each
   * store update copies the row map and may re-sort, and answers arrive many a frame.
   */
  unapplied: TagDetailsResult[]
  lastRowAt: number
  /** The event subscription and the pagehide listener, while subscribed. */
  unsubscribe: (() => void) | null
  /** Between asking for a job and learning its id: rows that come meanwhile wait in earlyRows. */
  starting: boolean
  earlyRows: ApiEvents['tagDetails'][]
}

function newLoader(): Loader {
  return {
    generation: 0,
    jobId: null,
    order: [],
    visible: [],
    sentOrder: null,
    orderBasis: null,
    sentBasis: null,
    requeue: [],
    fresh: new Set(),
    unapplied: [],
    lastRowAt: 0,
    unsubscribe: null,
    starting: false,
    earlyRows: [],
  }
}

/** A tags store over `api`: the app's is `useTags`, over the installed Api. */
export function createTagsStore(api: ApiClient): TagsStoreHook {
  const loader = newLoader()

  /**
   * `keepPriority`: a reload of the same repository keeps what the table last reported (its order and
   * visible rows), because the table reports again only when its order changes, and a reload that
   * confirms the same tags leaves that order as it was.
   */
  function resetLoader(keepPriority = false): void {
    if (!keepPriority) {
      loader.order = []
      loader.visible = []
      loader.orderBasis = null
    }
    loader.sentOrder = null
    loader.sentBasis = null
    loader.requeue = []
    loader.fresh.clear()
    loader.unapplied = []
  }

  function stopJob(): void {
    if (loader.jobId !== null) void api.call('stopTagDetails', { jobId: loader.jobId })
    loader.jobId = null
  }

  /**
   * A refresh keeps the previous details on screen while it asks again for every tag: content at a
   * digest never changes, but a tag can move to another digest, so nothing is trusted as current.
   */
  async function load(registryId: string, repository: string): Promise<void> {
    const gen = ++loader.generation
    stopJob()
    subscribeToDetails()
    const before = store.getState()
    const sameRepo = before.registryId === registryId && before.repository === repository
    resetLoader(sameRepo)
    const earlier = sameRepo ? asEarlier(before.rows) : new Map<string, TagRow>()
    store.setState({
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
    void api.call('getCachedTagDetails', { registryId, repository }).then((cached) => {
      // Without cached rows the table simply waits for the registry, as on a first visit.
      if (cached.ok && gen === loader.generation) showCached(cached.value)
    })
    const listing = api.call('listTags', { registryId, repository })
    prepareFormats()
    const result = await listing
    if (gen !== loader.generation) return
    if (!result.ok) {
      store.setState({ status: 'error', error: result.error })
      return
    }
    const now = store.getState()
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
    // The table reported its order for the cached rows: check in that order (minus tags gone) until
    // it reports the order with the registry's list, rather than in the registry's order.
    loader.order = loader.order.length > 0 ? loader.order.filter((t) => present.has(t)) : tags
    // The job's request goes out before the table renders the list: React renders a store update in
    // a microtask, and a 1,000-row first render (sorted by date) kept the request waiting behind it
    // for hundreds of milliseconds on a busy machine. startJob's first step queues its microtask
    // ahead of the render's, and the call sends at once from there.
    const job = startJob(gen, registryId, repository)
    store.setState({ status: 'ready', tags, rows: listedRows })
    await job
  }

  /** Starts the core's job for the tags just listed, with the rows on screen first. */
  async function startJob(gen: number, registryId: string, repository: string): Promise<void> {
    await api.eventsReady()
    if (gen !== loader.generation) return
    loader.starting = true
    loader.earlyRows = []
    const { order, visible, orderBasis } = loader
    const started = await api.call('startTagDetails', {
      registryId,
      repository,
      visible: visible.slice(0, 2_000),
      ...(order.length <= maxOrderSent ? { order: [...order] } : {}),
    })
    loader.sentOrder = order.length <= maxOrderSent ? order : null
    loader.sentBasis = order.length <= maxOrderSent ? orderBasis : null
    loader.starting = false
    const waiting = loader.earlyRows
    loader.earlyRows = []
    if (gen !== loader.generation) {
      // The user left before the job started: stop it at once.
      if (started.ok) void api.call('stopTagDetails', { jobId: started.value.jobId })
      return
    }
    if (!started.ok) {
      store.setState({ status: 'error', error: started.error })
      return
    }
    const jobId = started.value.jobId
    loader.jobId = jobId
    const early = waiting.filter((payload) => payload.jobId === jobId)
    for (const payload of early) {
      for (const result of payload.results) {
        loader.fresh.add(result.tag)
        loader.unapplied.push(result)
      }
    }
    if (early.length > 0) scheduleApply()
    store.setState({ inflight: store.getState().tags.length - loader.fresh.size })
    schedulePriority()
    watchForLostRows(gen)
  }

  /**
   * A push can be lost (the web mode's event stream reconnected, say). A job that has gone quiet with
   * rows still missing gets those tags again; rows it is still loading are merely asked for twice.
   */
  function watchForLostRows(gen: number): void {
    loader.lastRowAt = Date.now()
    const check = (): void => {
      if (gen !== loader.generation || loader.jobId === null) return
      const { tags } = store.getState()
      if (loader.fresh.size >= tags.length) return
      if (Date.now() - loader.lastRowAt >= quietMs) {
        const missing = tags.filter((tag) => !loader.fresh.has(tag)).slice(0, 10_000)
        loader.requeue = [...loader.requeue, ...missing]
        loader.lastRowAt = Date.now()
        schedulePriority()
      }
      setTimeout(check, 1_000)
    }
    setTimeout(check, 1_000)
  }

  function subscribeToDetails(): void {
    if (loader.unsubscribe !== null) return
    const stopEvents = api.on('tagDetails', (payload) => {
      if (payload.jobId !== loader.jobId) {
        // The job's first rows can arrive before the answer that names it: keep them until it does.
        if (loader.starting && loader.earlyRows.length < maxEarlyRows) loader.earlyRows.push(payload)
        return
      }
      loader.lastRowAt = Date.now()
      for (const result of payload.results) {
        loader.fresh.add(result.tag)
        loader.unapplied.push(result)
      }
      scheduleApply()
    })
    // A closed or reloaded tab stops its job: the core would otherwise keep loading for nobody.
    const page = globalThis as {
      addEventListener?: (event: string, listener: () => void) => void
      removeEventListener?: (event: string, listener: () => void) => void
    }
    const onPageHide = (): void => stopJob()
    page.addEventListener?.('pagehide', onPageHide)
    loader.unsubscribe = () => {
      stopEvents()
      page.removeEventListener?.('pagehide', onPageHide)
    }
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
    const s = store.getState()
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
    store.setState({ rows, tags, checking: true })
  }

  /** The table's latest priorities go to the job once per frame, however often it reports. */
  const schedulePriority = oncePerFrame(() => sendPriority())

  function sendPriority(): void {
    const { jobId, order } = loader
    if (jobId === null) return
    // Every tag answered and none to retry: scrolling a loaded table asks the core for nothing.
    if (loader.requeue.length === 0 && loader.fresh.size >= store.getState().tags.length) return
    const onScreen = loader.visible.slice(0, 2_000)
    const firstShown = onScreen.length > 0 ? order.indexOf(onScreen[0] ?? '') : -1
    const margin =
      firstShown < 0 ? [] : order.slice(Math.max(0, firstShown - marginRows), firstShown + onScreen.length + marginRows).slice(0, 5_000)
    const basis = loader.orderBasis
    const orderChanged = (basis === null ? order !== loader.sentOrder : basis !== loader.sentBasis) && order.length <= maxOrderSent
    const retried = loader.requeue
    loader.requeue = []
    void api.call('prioritizeTagDetails', {
      jobId,
      visible: onScreen,
      margin,
      ...(orderChanged ? { order: [...order] } : {}),
      ...(retried.length > 0 ? { requeue: retried.slice(0, 10_000) } : {}),
    })
    if (orderChanged) {
      loader.sentOrder = order
      loader.sentBasis = basis
    }
  }

  /** Whatever is unapplied belongs to the current load: resetLoader drops the answers of older ones. */
  const scheduleApply = oncePerFrame(() => applyAnswers())

  function applyAnswers(): void {
    if (loader.unapplied.length === 0) return
    const rows = new Map(store.getState().rows)
    for (const answer of loader.unapplied) rows.set(answer.tag, { tag: answer.tag, result: answer, checking: null })
    loader.unapplied = []
    const { tags } = store.getState()
    store.setState({ rows, loaded: loader.fresh.size, inflight: Math.max(0, tags.length - loader.fresh.size) })
  }

  // The loader's functions above reach the store only once it exists: they run from its actions.
  const store: TagsStoreHook = create<TagsStore>()((set, get) => ({
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
      loader.generation++
      stopJob()
      resetLoader()
      set(noRepository)
    },
    retry: (tags) => {
      const rows = new Map(get().rows)
      for (const t of tags) {
        rows.delete(t)
        loader.fresh.delete(t)
      }
      set({ rows, loaded: loader.fresh.size })
      // Retried tags jump the queue.
      loader.requeue = [...loader.requeue, ...tags]
      loader.visible = [...tags, ...loader.visible]
      schedulePriority()
    },
    setDetailsPriority: (visibleTags, displayOrder, orderBasis) => {
      loader.visible = visibleTags
      loader.order = displayOrder
      loader.orderBasis = orderBasis ?? null
      schedulePriority()
    },
    subscribeToDetails,
    dispose: () => {
      get().close()
      loader.unsubscribe?.()
      loader.unsubscribe = null
    },
  }))
  return store
}

/** The app's tags: the open repository, over the installed Api. */
export const useTags = createTagsStore(installedApi)

/** The table reports what is on screen and the order it shows; the job follows, once per frame. */
export function setDetailsPriority(visibleTags: readonly string[], displayOrder: readonly string[], orderBasis?: object): void {
  useTags.getState().setDetailsPriority(visibleTags, displayOrder, orderBasis)
}

/** Once per page, before any job starts: the web mode's event stream must be open when rows come. */
export function subscribeToDetails(): void {
  useTags.getState().subscribeToDetails()
}

/** The previous load's rows, kept on screen during a refresh but no longer taken as current. */
function asEarlier(rows: ReadonlyMap<string, TagRow>): Map<string, TagRow> {
  const out = new Map<string, TagRow>()
  for (const [tag, row] of rows) out.set(tag, row.checking === null && row.result !== undefined ? { ...row, checking: 'earlier' } : row)
  return out
}

/**
 * A page's first Intl.RelativeTimeFormat and its first collator comparison load locale data, several
 * ms each: done once per page (not per store) while the cache and the registry answer, not in the
 * first render of the rows.
 */
let formatsPrepared = false
function prepareFormats(): void {
  if (formatsPrepared) return
  formatsPrepared = true
  relativeDate(new Date().toISOString())
  compareTagNames('build-9', 'build-10')
}

/** `listedSet` = new Set(listed). */
function sameTags(shown: readonly string[], listed: readonly string[], listedSet: ReadonlySet<string>): boolean {
  if (shown.length !== listed.length || listedSet.size !== listed.length) return false
  return shown.every((t) => listedSet.has(t))
}

/** Where the browser paints, once per frame; elsewhere (Node tests) on the next turn. */
const frames = (globalThis as { requestAnimationFrame?: (callback: () => void) => number }).requestAnimationFrame
const nextFrame = (callback: () => void): void => {
  if (frames) frames(callback)
  else setTimeout(callback, 0)
}

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
