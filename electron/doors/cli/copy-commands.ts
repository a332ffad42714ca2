// `berth tag`, `berth cp`, `berth sync`: copies through the same session policy as the app's
// dialogs (electron/session/copy-service.ts). A dry run prints the plan; otherwise the copy runs
// with a progress line on a terminal, then prints what was written. A conflict (a destination tag
// that points elsewhere, without --force) or a failure of the only image is an error; a sync where
// some images failed prints everything, then exits 5 (incomplete).
import { setMaxListeners } from 'node:events'
import { BerthError } from '../../../shared/errors'
import { isValidTagName } from '../../../shared/tag-name'
import type { CopyResult } from '../../../shared/copy'
import type { CopySelection, CopySessions } from '../../session/copy-service'
import { parseImageReference, type ImageReference } from '../../http/reference'
import type { CliContext } from './cli-context'
import { endProgress, IncompleteResult, terminalSafe, UsageError } from './cli-output'
import { printPlan, printPlanJson, printResult, printResultJson, showProgress } from './copy-output'
import { copySessions } from './copy-sides'

function reference(text: string, what: string): ImageReference {
  try {
    return parseImageReference(text)
  } catch (error) {
    if (error instanceof BerthError) throw new UsageError(`${what}: ${error.message}`)
    throw error
  }
}

async function copy(context: CliContext, sessions: CopySessions, selection: CopySelection): Promise<void> {
  const core = context.core()
  const prepared = await core.copies.plan(sessions, selection, {
    onProgress: (done, total) => {
      if (total > 1) showProgress(context.io, { ...emptyProgress, phase: 'planning', itemsDone: done, itemsTotal: total })
    },
  })
  endProgress(context.io)
  if (context.flag('dry-run')) {
    if (context.json) printPlanJson(context.io, prepared.plan)
    else printPlan(context.io, prepared.plan)
    return
  }
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  let result: CopyResult
  try {
    result = await core.copies.run(prepared, { signal: controller.signal, onProgress: (state) => showProgress(context.io, state) })
  } finally {
    process.removeListener('SIGINT', stop)
    endProgress(context.io)
  }
  if (context.json) printResultJson(context.io, result)
  else printResult(context.io, result)
  if (result.complete) return
  const failures = result.items.filter((item) => item.status !== 'copied' && item.status !== 'up-to-date')
  const [first] = failures
  // One image asked for: its failure is the command's error (exit 2, 3 for credentials, 4 cancelled).
  if (result.items.length === 1 && first?.error && selection.sync === undefined) throw new BerthError(first.error)
  for (const item of failures)
    context.io.stderr(`berth: ${terminalSafe(item.reference)}: ${terminalSafe(item.error?.message ?? item.status)}\n`)
  context.io.stderr(`berth: incomplete: ${failures.length} of ${result.items.length} images were not copied (listed above).\n`)
  throw new IncompleteResult(`${failures.length} of ${result.items.length} images were not copied`)
}

const emptyProgress = {
  phase: 'planning' as const,
  item: null,
  itemsDone: 0,
  itemsTotal: 0,
  blobsDone: 0,
  blobsTotal: 0,
  bytesDone: 0,
  bytesTotal: 0,
  bytesPerSecond: 0,
  active: [],
}

function platforms(context: CliContext): string[] {
  return context.strings('platform')
}

/** `berth tag SRC NEWTAG...`: the exact manifest under new tags of the same repository. */
export async function tagCommand(context: CliContext, target: string, newTags: string[]): Promise<void> {
  const source = reference(target, 'SRC')
  const from = source.digest ?? source.tag
  if (from === undefined) throw new UsageError('tag takes <registry>/<repository>:<tag> (or @<digest>) and the new tags')
  for (const tag of newTags) {
    if (!isValidTagName(tag)) {
      throw new UsageError(
        `"${terminalSafe(tag.slice(0, 130))}" is not a tag name (letters, digits, _ . -; up to 128)` +
          (tag.includes('/') ? '; to copy to another repository or registry, use berth cp' : ''),
      )
    }
  }
  const session = await context.session(source.registry)
  await copy(
    context,
    { source: session, destination: session },
    {
      sourceRepository: source.repository,
      destinationRepository: source.repository,
      items: [{ reference: from, tags: newTags }],
      platforms: platforms(context),
      force: context.flag('force'),
    },
  )
}

/** `berth cp SRC DST`: one image to another repository or registry; DST without a tag keeps the source's tag. */
export async function cpCommand(context: CliContext, sourceText: string, rest: string[]): Promise<void> {
  const [destinationText] = rest
  if (destinationText === undefined) throw new UsageError('cp takes SRC and DST')
  const source = reference(sourceText, 'SRC')
  const destination = reference(destinationText, 'DST')
  const from = source.digest ?? source.tag
  if (from === undefined) throw new UsageError('SRC needs a tag or a digest: <registry>/<repository>:<tag> or @<digest>')
  if (destination.digest !== undefined) throw new UsageError("DST takes a tag, not a digest: the digest is the source's (or a new index's)")
  const tags = destination.tag !== undefined ? [destination.tag] : source.tag !== undefined ? [source.tag] : []
  if (source.registry === destination.registry && source.repository === destination.repository && tags.every((tag) => tag === source.tag)) {
    throw new UsageError('SRC and DST are the same: give DST another tag (or use berth tag)')
  }
  const sessions = await copySessions(context, source.registry, destination.registry)
  await copy(context, sessions, {
    sourceRepository: source.repository,
    destinationRepository: destination.repository,
    items: [{ reference: from, tags }],
    platforms: platforms(context),
    referrers: context.flag('referrers'),
    force: context.flag('force'),
  })
}

/** `berth sync SRC_REPO DST_REPO`: every matching tag, under the same name. */
export async function syncCommand(context: CliContext, sourceText: string, rest: string[]): Promise<void> {
  const [destinationText] = rest
  if (destinationText === undefined) throw new UsageError('sync takes SRC_REPO and DST_REPO')
  const source = reference(sourceText, 'SRC_REPO')
  const destination = reference(destinationText, 'DST_REPO')
  if (source.tag || source.digest || destination.tag || destination.digest) {
    throw new UsageError('sync takes repositories without a tag or digest (choose tags with --tags REGEX)')
  }
  if (source.registry === destination.registry && source.repository === destination.repository) {
    throw new UsageError('SRC_REPO and DST_REPO are the same repository')
  }
  const sessions = await copySessions(context, source.registry, destination.registry)
  const tagPattern = context.string('tag-regex')
  const newerThan = context.string('newer-than')
  await copy(context, sessions, {
    sourceRepository: source.repository,
    destinationRepository: destination.repository,
    sync: { ...(tagPattern !== undefined ? { tagPattern } : {}), ...(newerThan !== undefined ? { newerThan } : {}) },
    platforms: platforms(context),
    referrers: context.flag('referrers'),
    force: context.flag('force'),
  })
}
