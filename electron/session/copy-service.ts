// Copying between two registry sessions, the policy every door shares (issue 20): which tags a
// sync takes, the plan (the dry run), and the run with its progress, its audit entries and its
// safety — a destination tag that points elsewhere is never moved without force, nor one that moved
// since the plan the user confirmed. Each side keeps its own session: its own client, credentials
// and TLS trust. Bytes flow from one to the other; credentials never do.
import { BerthError, toErrorData } from '../../shared/errors'
import { parseDuration } from '../../shared/cleanup-rules'
import { isValidTagName } from '../../shared/tag-name'
import {
  parsePlatform,
  syncTagSelection,
  type CopyItemResult,
  type CopyMode,
  type CopyPlan,
  type CopyProgress,
  type CopyResult,
  type PlatformSelector,
} from '../../shared/copy'
import { isDigest } from '../http/digest'
import { isValidRepository } from '../http/reference'
import { createContentLoader } from '../operations/content-loader'
import { defaultChunkBytes, type CopySide } from '../operations/copy-blob'
import { planItem, type PreparedItem } from '../operations/copy-plan'
import { runItem, type RunContext } from '../operations/copy-run'
import type { UploadJournal } from '../operations/copy-upload-journal'
import type { AuditLog } from '../stores/audit-log'
import { createCopyProgress } from './copy-progress'
import { providerOfSession, type RegistrySession } from './registry-session'

export interface CopySessions {
  source: RegistrySession
  destination: RegistrySession
}

export interface CopySelection {
  sourceRepository: string
  destinationRepository: string
  /** Explicit references (a tag or a digest) and the tags each gets at the destination. */
  items?: readonly { reference: string; tags: readonly string[] }[]
  /** A sync: every source tag matching, written under the same name. */
  sync?: { tagPattern?: string; newerThan?: string }
  /** `os/arch[/variant]`; empty: every platform. */
  platforms?: readonly string[]
  referrers?: boolean
  force?: boolean
}

export interface PreparedCopy {
  readonly plan: CopyPlan
  readonly sessions: CopySessions
  readonly items: readonly PreparedItem[]
  readonly force: boolean
  /** A sync: its tags were chosen by pattern and age, not named one by one. */
  readonly sync: boolean
}

export interface CopyRunOptions {
  signal?: AbortSignal
  /** Called at most ten times a second, and at every change of phase. */
  onProgress?: (progress: CopyProgress) => void
  /**
   * What the user saw for each destination tag ('' = absent): a tag now elsewhere refuses the whole
   * run before anything is written (the plan is out of date).
   */
  expectedDestinationDigests?: Readonly<Record<string, string>>
}

export interface CopyPlanOptions {
  signal?: AbortSignal
  /** Milliseconds since the epoch, for --newer-than (tests pin it). */
  now?: number
  onProgress?: (done: number, total: number) => void
}

export interface CopyService {
  plan(sessions: CopySessions, selection: CopySelection, options?: CopyPlanOptions): Promise<PreparedCopy>
  run(prepared: PreparedCopy, options?: CopyRunOptions): Promise<CopyResult>
}

export interface CopyServiceOptions {
  journal: UploadJournal
  audit?: AuditLog
  env?: NodeJS.ProcessEnv
}

/** HEADs and manifest reads in flight per copy. */
const planConcurrency = 16

/** BERTH_COPY_CHUNK_BYTES (≥ 64 KiB) and BERTH_COPY_PARALLEL_BLOBS (1–32): the two knobs of a copy. */
export function copyLimits(env: NodeJS.ProcessEnv = process.env): { chunkBytes: number; parallelBlobs: number } {
  const number = (name: string, min: number, max: number, fallback: number): number => {
    const value = Number(env[name] ?? Number.NaN)
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : fallback
  }
  return {
    chunkBytes: number('BERTH_COPY_CHUNK_BYTES', 64 * 1024, 4 * 1024 * 1024 * 1024, defaultChunkBytes),
    parallelBlobs: number('BERTH_COPY_PARALLEL_BLOBS', 1, 32, 4),
  }
}

export function copyMode(sessions: CopySessions, selection: Pick<CopySelection, 'sourceRepository' | 'destinationRepository'>): CopyMode {
  if (sessions.source.registry !== sessions.destination.registry) return 'cross-registry'
  return selection.sourceRepository === selection.destinationRepository ? 'retag' : 'same-registry'
}

function side(session: RegistrySession, repository: string): CopySide {
  return { client: providerOfSession(session).client, registry: session.registry, repository }
}

function invalid(message: string, fix?: string): BerthError {
  return new BerthError({ code: 'invalid_input', message, ...(fix !== undefined ? { fix } : {}) })
}

export function checkCopySelection(selection: CopySelection): PlatformSelector[] {
  for (const repository of [selection.sourceRepository, selection.destinationRepository]) {
    if (!isValidRepository(repository)) throw invalid(`"${repository.slice(0, 100)}" is not a valid repository name.`)
  }
  if ((selection.items === undefined) === (selection.sync === undefined)) {
    throw invalid('A copy names either the references to copy or a sync selection, not both and not neither.')
  }
  for (const item of selection.items ?? []) {
    if (!isDigest(item.reference) && !isValidTagName(item.reference))
      throw invalid(`"${item.reference.slice(0, 150)}" is neither a tag nor a digest.`)
    for (const tag of item.tags) if (!isValidTagName(tag)) throw invalid(`"${tag.slice(0, 150)}" is not a valid tag.`)
  }
  return (selection.platforms ?? []).map((text) => {
    const platform = parsePlatform(text)
    if (platform === null)
      throw invalid(`"${text.slice(0, 60)}" is not a platform.`, 'Write it as os/architecture[/variant], e.g. linux/arm64/v8.')
    return platform
  })
}

export function createCopyService(options: CopyServiceOptions): CopyService {
  const limits = copyLimits(options.env)

  async function syncItems(
    sessions: CopySessions,
    selection: CopySelection,
    sourceTags: readonly string[],
    planOptions: CopyPlanOptions,
  ): Promise<{ items: { reference: string; tags: string[] }[]; skipped: CopyPlan['skipped'] }> {
    const sync = selection.sync ?? {}
    const selected = syncTagSelection(sourceTags, { tagPattern: sync.tagPattern, referrers: selection.referrers })
    if (!selected.ok) throw invalid(`The tag pattern: ${selected.error}`)
    const skipped: CopyPlan['skipped'] = selected.skipped
    let tags = selected.tags
    if (sync.newerThan !== undefined && sync.newerThan !== '') {
      const window = parseDuration(sync.newerThan)
      if (window === null) throw invalid(`--newer-than: "${sync.newerThan}" is not a duration like 12h, 7d, 2w, 1month.`)
      const now = planOptions.now ?? Date.now()
      const rows = await sessions.source.getTagDetails(selection.sourceRepository, tags, {
        persist: 'background',
        ...(planOptions.signal ? { signal: planOptions.signal } : {}),
      })
      const kept = new Set<string>()
      for (const row of rows) {
        if (!row.ok) {
          skipped.push({ reference: row.tag, reason: `its date could not be read: ${row.error.message}` })
          continue
        }
        const date = row.details.pushed ?? row.details.created
        const time = date ? Date.parse(date) : Number.NaN
        if (Number.isNaN(time)) skipped.push({ reference: row.tag, reason: 'no push or build date is known' })
        else if (now - time > window) skipped.push({ reference: row.tag, reason: `older than ${sync.newerThan} (${date})` })
        else kept.add(row.tag)
      }
      tags = tags.filter((tag) => kept.has(tag))
    }
    return { items: tags.sort().map((tag) => ({ reference: tag, tags: [tag] })), skipped }
  }

  const service: CopyService = {
    async plan(sessions, selection, planOptions = {}) {
      const platforms = checkCopySelection(selection)
      const mode = copyMode(sessions, selection)
      const source = side(sessions.source, selection.sourceRepository)
      const destination = side(sessions.destination, selection.destinationRepository)
      const signal = planOptions.signal ? { signal: planOptions.signal } : {}
      const needsTags = selection.sync !== undefined || (selection.referrers === true && mode !== 'retag')
      const sourceTags = needsTags ? (await sessions.source.listTags(selection.sourceRepository, signal)).tags : undefined
      const selected = selection.sync
        ? await syncItems(sessions, selection, sourceTags ?? [], planOptions)
        : { items: (selection.items ?? []).map((item) => ({ reference: item.reference, tags: [...item.tags] })), skipped: [] }
      if (mode === 'retag' && selected.items.some((item) => item.tags.length === 0)) {
        throw invalid('Copying within the same repository needs at least one new tag.')
      }
      const context = {
        source,
        destination,
        mode,
        loader: createContentLoader(source.client, undefined, planOptions.signal),
        platforms,
        referrers: selection.referrers === true,
        force: selection.force === true,
        ...(sourceTags ? { sourceTags } : {}),
        concurrency: planConcurrency,
        ...signal,
        atDestination: new Map<string, Promise<boolean>>(),
      }
      const items: PreparedItem[] = []
      for (const [index, item] of selected.items.entries()) {
        try {
          items.push(await planItem(context, item))
        } catch (error) {
          if (selection.sync === undefined || (error instanceof BerthError && error.code === 'cancelled')) throw error
          // One tag of a sync that cannot be read is left out and named; the others go on.
          selected.skipped.push({ reference: item.reference, reason: toErrorData(error).message })
        }
        planOptions.onProgress?.(index + 1, selected.items.length)
      }
      const unique = new Map<string, { size: number; state: string }>()
      for (const item of items) for (const blob of item.blobs) unique.set(blob.digest, blob)
      const blobs = [...unique.values()]
      const plan: CopyPlan = {
        mode,
        source: { registry: source.registry, repository: source.repository },
        destination: { registry: destination.registry, repository: destination.repository },
        items: items.map((item) => item.view),
        skipped: selected.skipped,
        totals: {
          items: items.length,
          manifests: new Set(items.flatMap((item) => item.manifests.map((manifest) => manifest.digest))).size,
          blobs: blobs.length,
          blobsMissing: blobs.filter((blob) => blob.state !== 'present').length,
          bytesMissing: blobs.filter((blob) => blob.state === 'missing').reduce((sum, blob) => sum + blob.size, 0),
          bytesMount: blobs.filter((blob) => blob.state === 'mount').reduce((sum, blob) => sum + blob.size, 0),
          conflicts: items.filter((item) => !item.view.writable).length,
        },
      }
      return { plan, sessions, items, force: selection.force === true, sync: selection.sync !== undefined }
    },

    async run(given, runOptions = {}) {
      const started = Date.now()
      refuseIfStale(given, runOptions.expectedDestinationDigests)
      const prepared = confirmedOnly(given, runOptions.expectedDestinationDigests)
      const { plan } = prepared
      const progress = createCopyProgress(plan, runOptions.onProgress)
      const context: RunContext = {
        source: side(prepared.sessions.source, plan.source.repository),
        destination: side(prepared.sessions.destination, plan.destination.repository),
        mode: plan.mode,
        journal: options.journal,
        chunkBytes: limits.chunkBytes,
        parallelBlobs: limits.parallelBlobs,
        force: prepared.force,
        blobFlights: new Map(),
        progress,
        ...(runOptions.signal ? { signal: runOptions.signal } : {}),
        ...(options.audit ? { audit: (entry) => options.audit!.append(entry).catch(() => undefined) } : {}),
      }
      const destinationKind = providerOfSession(prepared.sessions.destination).kind
      const results: CopyItemResult[] = []
      for (const item of prepared.items) {
        progress.startItem(item.view.reference)
        const result = runOptions.signal?.aborted === true ? notAttempted(item) : await runItem(context, item)
        if (result.error && destinationKind === 'gitlab') result.error = explainForGitlab(result.error)
        results.push(result)
        progress.finishItem()
      }
      progress.finish()
      const count = (status: CopyItemResult['status']): number => results.filter((result) => result.status === status).length
      return {
        mode: plan.mode,
        source: plan.source,
        destination: plan.destination,
        items: results,
        skipped: plan.skipped,
        complete: results.every((result) => result.status === 'copied' || result.status === 'up-to-date'),
        totals: {
          copied: count('copied'),
          upToDate: count('up-to-date'),
          failed: results.length - count('copied') - count('up-to-date'),
          bytesUploaded: results.reduce((sum, result) => sum + result.bytesUploaded, 0),
          seconds: Math.round((Date.now() - started) / 100) / 10,
        },
      }
    },
  }
  return service
}

function notAttempted(item: PreparedItem): CopyItemResult {
  return {
    reference: item.view.reference,
    sourceDigest: item.view.sourceDigest,
    destinationDigest: item.view.destinationDigest,
    status: 'cancelled',
    tags: item.view.tags.map((tag) => ({ tag: tag.tag, previous: tag.current, status: 'not-written' })),
    blobs: { uploaded: 0, mounted: 0, present: 0, resumed: 0 },
    bytesUploaded: 0,
    verified: false,
    error: { code: 'cancelled', message: 'The copy was cancelled before this image.' },
  }
}

/**
 * A sync the user confirmed writes only the tags that plan showed. A tag pushed to the source
 * since then was never shown, nor, with force, the destination tag it would move: it waits for the
 * next plan, named in `skipped`.
 */
function confirmedOnly(prepared: PreparedCopy, expected: Readonly<Record<string, string>> | undefined): PreparedCopy {
  if (expected === undefined || !prepared.sync) return prepared
  const shown = (item: PreparedItem): boolean => item.view.tags.every((tag) => Object.hasOwn(expected, tag.tag))
  const unseen = prepared.items.filter((item) => !shown(item))
  if (unseen.length === 0) return prepared
  const items = prepared.items.filter(shown)
  const skipped = [
    ...prepared.plan.skipped,
    ...unseen.map((item) => ({ reference: item.view.reference, reason: 'new since the plan you confirmed: plan again to include it' })),
  ]
  return { ...prepared, items, plan: { ...prepared.plan, items: items.map((item) => item.view), skipped } }
}

/** The plan the user confirmed must still be the destination's state: otherwise nothing is written. */
function refuseIfStale(prepared: PreparedCopy, expected: Readonly<Record<string, string>> | undefined): void {
  if (expected === undefined) return
  const moved: string[] = []
  for (const item of prepared.plan.items) {
    for (const tag of [...item.tags, ...item.referrers.flatMap((referrer) => referrer.tags)]) {
      if (!Object.hasOwn(expected, tag.tag)) continue
      const was = expected[tag.tag] === '' ? null : (expected[tag.tag] ?? null)
      if (was !== tag.current) moved.push(`${tag.tag} is now at ${tag.current ?? 'nothing'}, not ${was ?? 'nothing'}`)
    }
  }
  if (moved.length > 0) {
    throw new BerthError({
      code: 'conflict',
      message: `The destination changed since the plan you confirmed: ${moved.slice(0, 5).join('; ')}. Nothing was written.`,
      fix: 'Look at the plan again, then copy.',
    })
  }
}

/** GitLab's write refusals, in GitLab's terms (docs/registry-notes.md "Copying"). */
export function explainForGitlab(error: CopyItemResult['error'] & object): NonNullable<CopyItemResult['error']> {
  if (error.code !== 'unauthorized' && error.code !== 'forbidden') return error
  if (/protected|immutable/i.test(error.message)) return error
  return {
    ...error,
    fix:
      'GitLab: pushing needs a token with the write_registry scope (a personal, project or group access token, or a deploy ' +
      'token) and at least the Developer role in the destination project; protected tags need the role their rule names.',
  }
}
