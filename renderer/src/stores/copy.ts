// The copy, add-tag and mirror dialogs' state: the form, the plan (planCopy, the dry run), the
// running copy (startCopy, then `copyProgress` events and one `copyFinished`) and its result. A
// mirror is a sync (the request's `sync`, as `berth sync`): its form is the tag pattern and age
// instead of images, and the source's tag list is kept here for the form's live count.
//
// `copyFinished` may arrive before startCopy answers with the job id: every event is kept by job id
// until the answer says whose it is. A copy goes on when its dialog is closed; its end is then told
// by a toast. Whichever way it ends, a copy into the repository on screen refreshes the tag table.
import { create } from 'zustand'
import type { BerthErrorData } from '../../../shared/errors'
import type { CopyPlan, CopyProgress, CopyResult } from '../../../shared/copy'
import type { ApiEvents, ApiRequests } from '../../../shared/ipc'
import { call, eventsReady, onApiEvent } from '../api/call'
import {
  checkCopyForm,
  expectedDigestsOf,
  initialCopyForm,
  selectedImages,
  whyNotCopyable,
  type CopyForm,
  type CopyFormErrors,
  type CopyKind,
  type CopySource,
  type CopySourceImage,
} from '../model/copy-form'
import { checkMirrorForm, initialMirrorForm, type MirrorForm, type MirrorFormErrors, type MirrorSource } from '../model/mirror-form'
import { useDialogs } from './dialogs'
import { useRepositories } from './repositories'
import { useTags } from './tags'
import { showToast } from './toasts'

interface Planned {
  plan: CopyPlan
  request: ApiRequests['planCopy']
  /** The source image of each plan item, in order. */
  images: CopySourceImage[]
}

export type CopyStep =
  | { kind: 'form'; error: BerthErrorData | null }
  | { kind: 'planning' }
  | ({ kind: 'plan' } & Planned)
  | ({
      kind: 'running'
      /** Which start this is: answers and events of an earlier one are not applied to it. */
      run: number
      /** Null until startCopy answers. */
      jobId: string | null
      progress: CopyProgress | null
      cancelling: boolean
    } & Planned)
  | ({ kind: 'done'; result: CopyResult } & Planned)
  | ({ kind: 'failed'; error: BerthErrorData } & Planned)

/** `mirror`: a whole repository, by tag pattern and age (a sync). */
export type CopyDialogKind = CopyKind | 'mirror'

/** The mirror's source tags, for the form's count: listed once when the dialog opens. */
export type MirrorSourceList = { status: 'loading' } | { status: 'ready'; tags: string[] } | { status: 'error'; error: BerthErrorData }

interface CopyStore {
  kind: CopyDialogKind
  source: CopySource | null
  form: CopyForm
  errors: CopyFormErrors
  mirror: MirrorForm
  mirrorErrors: MirrorFormErrors
  sourceTags: MirrorSourceList
  step: CopyStep
  /** Starts a dialog for these images (what the registry confirmed), or keeps the one already open for them. */
  open: (kind: CopyKind, source: CopySource) => void
  /** Starts the mirror dialog for a repository, or keeps the one already open for it. */
  openMirror: (source: MirrorSource) => void
  setForm: (patch: Partial<CopyForm>) => void
  setMirror: (patch: Partial<MirrorForm>) => void
  plan: () => Promise<void>
  /** From the plan back to the form, as it was typed. */
  edit: () => void
  /** `force`: the user confirmed moving the destination tags the plan showed pointing elsewhere. */
  start: (force: boolean) => Promise<void>
  cancel: () => void
  /** The dialog closes; a running copy goes on and ends with a toast. */
  close: () => void
}

const emptyForm: CopyForm = { registryId: '', repository: '', tags: [], platforms: null, referrers: false }
const emptyMirror: MirrorForm = initialMirrorForm({ registryId: '', repository: '' }, null)

/** Where the last copy went: the next "Copy to…" starts there. */
let lastDestination: { registryId: string; repository: string } | null = null
/** Where the last mirror went: the next one offers that registry. */
let lastMirrorRegistry: { registryId: string } | null = null
let runs = 0
let planning = 0
let listing = 0

interface Job {
  run: number
  destination: { registryId: string; repository: string }
  label: string
}

/** The copies this window started, by job id, until they finish. */
const jobs = new Map<string, Job>()
/** Events for job ids not (yet) known: the newest few, by job id. */
const unclaimedProgress = new Map<string, CopyProgress>()
const unclaimedFinish = new Map<string, ApiEvents['copyFinished']>()
const maxUnclaimed = 32
let following: (() => void) | null = null

function remember<T>(map: Map<string, T>, jobId: string, value: T): void {
  map.delete(jobId)
  map.set(jobId, value)
  for (const oldest of map.keys()) {
    if (map.size <= maxUnclaimed) break
    map.delete(oldest)
  }
}

export const useCopy = create<CopyStore>()((set, get) => ({
  kind: 'copy',
  source: null,
  form: emptyForm,
  errors: { tags: [] },
  mirror: emptyMirror,
  mirrorErrors: {},
  sourceTags: { status: 'loading' },
  step: { kind: 'form', error: null },

  openMirror(mirrorSource) {
    const now = get()
    if (
      now.kind === 'mirror' &&
      now.source?.registryId === mirrorSource.registryId &&
      now.source.repository === mirrorSource.repository &&
      now.step.kind === 'form'
    )
      return
    planning++
    const token = ++listing
    const onScreen = useTags.getState()
    const shown = onScreen.registryId === mirrorSource.registryId && onScreen.repository === mirrorSource.repository
    set({
      kind: 'mirror',
      source: { ...mirrorSource, images: [] },
      mirror: initialMirrorForm(mirrorSource, lastMirrorRegistry),
      mirrorErrors: {},
      // The table's list when it is this repository's; otherwise the registry is asked once.
      sourceTags: shown && onScreen.status === 'ready' ? { status: 'ready', tags: onScreen.tags } : { status: 'loading' },
      step: { kind: 'form', error: null },
    })
    if (shown && onScreen.status === 'ready') return
    void call('listTags', mirrorSource).then((answer) => {
      if (token !== listing) return
      set({ sourceTags: answer.ok ? { status: 'ready', tags: answer.value.tags } : { status: 'error', error: answer.error } })
    })
  },

  setMirror(patch) {
    set({ mirror: { ...get().mirror, ...patch } })
  },

  open(kind, source) {
    const now = get()
    if (now.kind === kind && now.source !== null && sameSource(now.source, source) && now.step.kind === 'form') return
    planning++
    set({
      kind,
      source,
      form: initialCopyForm(source, kind, lastDestination),
      errors: { tags: source.images.map(() => null) },
      step: { kind: 'form', error: null },
    })
  },

  setForm(patch) {
    set({ form: { ...get().form, ...patch } })
  },

  async plan() {
    const { source, form, kind, mirror } = get()
    if (source === null) return
    let checked: { request: ApiRequests['planCopy'] | null; images: CopySourceImage[] }
    if (kind === 'mirror') {
      const mirrorChecked = checkMirrorForm(source, mirror)
      set({ mirrorErrors: mirrorChecked.errors })
      checked = { request: mirrorChecked.request, images: [] }
    } else {
      const copyChecked = checkCopyForm(source, form, kind)
      set({ errors: copyChecked.errors })
      checked = copyChecked
    }
    if (checked.request === null) return
    const request = checked.request
    const token = ++planning
    set({ step: { kind: 'planning' } })
    const answer = await call('planCopy', request)
    if (token !== planning) return
    if (!answer.ok) return set({ step: { kind: 'form', error: answer.error } })
    if (kind === 'copy') lastDestination = request.destination
    if (kind === 'mirror') lastMirrorRegistry = { registryId: request.destination.registryId }
    set({ step: { kind: 'plan', plan: answer.value, request, images: checked.images } })
  },

  edit() {
    planning++
    set({ step: { kind: 'form', error: null } })
  },

  async start(force) {
    const step = get().step
    if (step.kind !== 'plan') return
    const planned: Planned = { plan: step.plan, request: step.request, images: step.images }
    const run = ++runs
    set({ step: { kind: 'running', ...planned, run, jobId: null, progress: null, cancelling: false } })
    followCopyEvents()
    // Web mode: the event stream must be open before the job can send its first event.
    await eventsReady()
    const answer = await call('startCopy', {
      ...planned.request,
      force,
      // What the user confirmed: a destination tag that moved since refuses the whole copy.
      expectedDestinationDigests: expectedDigestsOf(planned.plan),
    })
    const current = (): Extract<CopyStep, { kind: 'running' }> | null => {
      const now = get().step
      return now.kind === 'running' && now.run === run ? now : null
    }
    if (!answer.ok) {
      if (current()) set({ step: { kind: 'failed', ...planned, error: answer.error } })
      return
    }
    const { jobId } = answer.value
    jobs.set(jobId, { run, destination: planned.request.destination, label: labelOf(planned) })
    const running = current()
    if (running) {
      set({ step: { ...running, jobId, progress: unclaimedProgress.get(jobId) ?? running.progress } })
      if (running.cancelling) void call('cancelCopy', { jobId })
    }
    unclaimedProgress.delete(jobId)
    const finished = unclaimedFinish.get(jobId)
    if (finished) {
      unclaimedFinish.delete(jobId)
      finish(finished)
    }
  },

  cancel() {
    const step = get().step
    if (step.kind !== 'running' || step.cancelling) return
    set({ step: { ...step, cancelling: true } })
    // Before startCopy answered there is no job id yet: start() cancels once it has one.
    if (step.jobId !== null) void call('cancelCopy', { jobId: step.jobId })
  },

  close() {
    const step = get().step
    planning++
    listing++
    if (step.kind === 'running' && !step.cancelling) {
      showToast({ kind: 'info', title: 'The copy goes on', detail: `${labelOf(step)}: Berth tells you when it has finished.` })
    }
    set({ source: null, step: { kind: 'form', error: null } })
  },
}))

function sameSource(a: CopySource, b: CopySource): boolean {
  return (
    a.registryId === b.registryId &&
    a.repository === b.repository &&
    a.images.length === b.images.length &&
    a.images.every((image, index) => image.digest === b.images[index]?.digest && image.tag === b.images[index]?.tag)
  )
}

function labelOf(planned: Planned): string {
  const { plan, images } = planned
  if (planned.request.sync) {
    const count = `${plan.items.length} ${plan.items.length === 1 ? 'tag' : 'tags'}`
    return `${plan.source.repository} (${count}) to ${plan.destination.registry}/${plan.destination.repository}`
  }
  const what = images.length === 1 ? (images[0]?.tag ?? '') : `${images.length} images`
  return plan.mode === 'retag' ? `Tagging ${what}` : `${what} to ${plan.destination.registry}/${plan.destination.repository}`
}

/** Subscribes once: every copy this window starts reports through these two events. */
function followCopyEvents(): void {
  if (following !== null) return
  const stopProgress = onApiEvent('copyProgress', ({ jobId, progress }) => {
    const step = useCopy.getState().step
    if (step.kind === 'running' && step.jobId === jobId) useCopy.setState({ step: { ...step, progress } })
    else if (!jobs.has(jobId)) remember(unclaimedProgress, jobId, progress)
  })
  const stopFinished = onApiEvent('copyFinished', finish)
  following = () => {
    stopProgress()
    stopFinished()
  }
}

function finish(payload: ApiEvents['copyFinished']): void {
  const job = jobs.get(payload.jobId)
  if (!job) return remember(unclaimedFinish, payload.jobId, payload)
  jobs.delete(payload.jobId)
  afterCopy(job.destination, payload.result)
  const step = useCopy.getState().step
  if (step.kind === 'running' && step.run === job.run) {
    const planned: Planned = { plan: step.plan, request: step.request, images: step.images }
    useCopy.setState({
      step: payload.result ? { kind: 'done', ...planned, result: payload.result } : { kind: 'failed', ...planned, error: errorOf(payload) },
    })
    return
  }
  // The dialog was closed meanwhile: say how it ended.
  const result = payload.result
  if (result?.complete === true) {
    showToast({ kind: 'success', title: job.label.startsWith('Tagging') ? 'Tags added' : 'Copied', detail: job.label })
  } else {
    const error = result?.items.find((item) => item.error)?.error ?? errorOf(payload)
    showToast({ kind: 'error', title: `${job.label}: not everything was copied`, detail: error.message })
  }
}

function errorOf(payload: ApiEvents['copyFinished']): BerthErrorData {
  return payload.error ?? { code: 'internal', message: 'The copy ended without a result.' }
}

/** What the copy changed on screen: the tag table of the destination, a repository now listed. */
function afterCopy(destination: { registryId: string; repository: string }, result: CopyResult | null): void {
  if (result === null || result.totals.copied === 0) return
  const tags = useTags.getState()
  if (tags.registryId === destination.registryId && tags.repository === destination.repository) void tags.refresh()
  const listed = useRepositories.getState().byRegistry[destination.registryId]?.listing
  if (listed && !listed.repositories.includes(destination.repository)) void useRepositories.getState().load(destination.registryId, true)
}

/**
 * Opens "Add tag…" or "Copy to…" for these tags of the repository on screen, from the rows the
 * registry confirmed in this load; says why not when some are still being checked or unreadable.
 */
export function openCopyForTags(kind: CopyKind, registryId: string, repository: string, tags: readonly string[]): string | null {
  const state = selectedImages(tags, useTags.getState().rows)
  const blocked = whyNotCopyable(tags.length, state)
  if (blocked !== null) return blocked
  useDialogs.getState().open({ kind: kind === 'tag' ? 'add-tag' : 'copy', registryId, repository, images: state.images })
  return null
}

/** Tests: forget the copies of an earlier test (its fake Api answered with the same job ids). */
export function resetCopyJobs(): void {
  jobs.clear()
  unclaimedProgress.clear()
  unclaimedFinish.clear()
  following?.()
  following = null
  lastDestination = null
  lastMirrorRegistry = null
}
