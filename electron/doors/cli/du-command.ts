// `berth du REGISTRY[/PREFIX]`: one row per repository, largest first, and the registry total with
// blobs shared across repositories counted once. `berth du REGISTRY/REPO --tags`: per tag what it
// reaches, what it alone reaches and what it shares, the repository total, and the untagged images
// Berth saw behind a tag before. Progress on stderr on a terminal; Ctrl-C cancels (exit 4).
// Counted from manifests only (electron/session/usage-service.ts); JSON as in README "Storage usage".
import { setMaxListeners } from 'node:events'
import { BerthError } from '../../../shared/errors'
import { formatBytes, formatRelativeDate } from '../../../shared/format'
import {
  garbageCollectionAdvice,
  type RegistryUsage,
  type ReportedSize,
  type RepositoryUsage,
  type UsageProgress,
} from '../../../shared/usage'
import { normalizeRegistryAddress } from '../../../shared/view-link'
import { shortDigest } from '../../http/digest'
import { parseImageReference } from '../../http/reference'
import { sanitizeForMessage } from '../../http/sanitize'
import type { RegistrySession } from '../../session/registry-session'
import type { CliContext } from './cli-context'
import { endProgress, printJson, printTable, progress, terminalSafe, UsageError } from './cli-output'

export async function duCommand(context: CliContext, target: string): Promise<void> {
  const { registry, path } = placeOf(target)
  if (context.flag('tags') && path === '') throw new UsageError('du --tags takes <registry>/<repository>')
  if (context.flag('dates') && !context.flag('tags')) throw new UsageError('du --dates dates the tags of one repository: add --tags')
  const session = await context.session(registry)
  const controller = new AbortController()
  // Every request in flight listens on this signal: 32 of them are not a listener leak.
  setMaxListeners(0, controller.signal)
  const stop = (): void => controller.abort()
  // Ctrl-C stops the requests in flight; the run ends with `cancelled` (exit 4). What was learnt stays cached.
  process.once('SIGINT', stop)
  const options = {
    verify: context.flag('verify'),
    dates: context.flag('dates'),
    signal: controller.signal,
    onProgress: (state: UsageProgress) => progress(context.io, progressLine(state)),
  }
  try {
    if (context.flag('tags')) {
      const usage = await session.repositoryUsage(path, options)
      endProgress(context.io)
      if (context.json) return printJson(context.io, usage)
      printRepository(context, session, usage)
    } else {
      const usage = await session.registryUsage(path, options)
      endProgress(context.io)
      if (context.json) return printJson(context.io, usage)
      printRegistry(context, usage)
    }
  } finally {
    process.removeListener('SIGINT', stop)
    endProgress(context.io)
  }
}

function placeOf(target: string): { registry: string; path: string } {
  const text = target.trim().replace(/\/+$/, '')
  const slash = text.indexOf('/')
  const registry = slash < 0 ? text : text.slice(0, slash)
  if (normalizeRegistryAddress(registry) === null) {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${sanitizeForMessage(registry, 200)}" is not a registry address.`,
      fix: 'Write it as host, host:port or localhost[:port], then optionally /<prefix> or /<repository>.',
    })
  }
  if (slash < 0) return { registry, path: '' }
  const reference = parseImageReference(text)
  if (reference.tag || reference.digest) throw new UsageError('du takes <registry>[/<prefix>] without a tag or digest')
  return { registry: reference.registry, path: reference.repository }
}

function progressLine(state: UsageProgress): string {
  const repositories = state.repositoriesTotal > 1 ? `${state.repositoriesDone}/${state.repositoriesTotal} repositories, ` : ''
  const current = state.repository ? ` (${terminalSafe(state.repository)})` : ''
  return `Measuring: ${repositories}${state.tagsDone}/${state.tagsTotal} tags${current}`
}

function printRegistry(context: CliContext, usage: RegistryUsage): void {
  const { io } = context
  const where = usage.prefix === '' ? usage.registry : `${usage.registry}/${usage.prefix}`
  if (usage.repositories.length === 0) {
    io.stdout(`No repositories under ${terminalSafe(where)}.\n`)
    return
  }
  const withReported = usage.repositories.some((row) => row.reported !== null)
  printTable(
    io,
    ['REPOSITORY', 'SIZE', 'EXCLUSIVE', 'SHARED', 'TAGS', ...(withReported ? ['REPORTED'] : [])],
    usage.repositories.map((row) => [
      terminalSafe(row.repository),
      row.error ? 'error' : formatBytes(row.totalBytes),
      row.error ? '-' : formatBytes(row.exclusiveBytes),
      row.error ? '-' : formatBytes(row.sharedBytes),
      row.error ? '-' : String(row.tags),
      ...(withReported ? [reportedCell(row.reported)] : []),
    ]),
  )
  io.stdout(
    `\nTOTAL ${formatBytes(usage.totalBytes)} (${usage.totalBytes.toLocaleString('en')} bytes) in ${usage.repositories.length} ` +
      `repositories: blobs shared across repositories counted once (the rows add up to ${formatBytes(usage.sumOfRepositoryBytes)}).\n`,
  )
  if (usage.reported) io.stdout(`Reported by the registry: ${reportedCell(usage.reported)}. ${usage.reported.note}\n`)
  const untagged = usage.repositories.reduce((sum, row) => sum + row.untaggedBytes, 0)
  if (untagged > 0)
    io.stdout(`Untagged images Berth saw before hold ${formatBytes(untagged)} more: list them with berth du <repository> --tags.\n`)
  io.stdout(`${usage.attribution}\n`)
  footer(
    context,
    usage.tagsFromCache,
    usage.failures.length,
    usage.repositories.some((row) => row.incomplete),
  )
  for (const row of usage.repositories) {
    if (row.error) io.stderr(`berth: ${terminalSafe(row.repository)}: ${terminalSafe(row.error.message)}\n`)
  }
}

function printRepository(context: CliContext, session: RegistrySession, usage: RepositoryUsage): void {
  const { io } = context
  if (usage.tags.length === 0) io.stdout(`${terminalSafe(usage.repository)} has no tags.\n`)
  else {
    const dated = usage.tags.some((tag) => tag.date !== null)
    printTable(
      io,
      ['TAG', 'DIGEST', 'SIZE', 'UNIQUE', 'SHARED', ...(dated ? ['DATE'] : [])],
      usage.tags.map((tag) => [
        terminalSafe(tag.tag),
        shortDigest(tag.digest),
        formatBytes(tag.bytes),
        formatBytes(tag.uniqueBytes),
        formatBytes(tag.sharedBytes),
        ...(dated ? [tag.date ? `${tag.date.slice(0, 10)} ${tag.dateSource === 'pushed' ? 'pushed' : 'built'}` : '-'] : []),
      ]),
    )
  }
  io.stdout(
    `\ntotalBytes ${usage.totalBytes.toLocaleString('en')} (${formatBytes(usage.totalBytes)}): ${usage.tags.length} tags, ` +
      `${usage.blobs} blobs, each counted once.\n`,
  )
  if (usage.reported) io.stdout(`Reported by the registry: ${reportedCell(usage.reported)}. ${usage.reported.note}\n`)
  if (usage.untagged.length > 0) {
    const count = usage.untagged.length === 1 ? '1 image' : `${usage.untagged.length} images`
    io.stdout(`\nUntagged (seen before): ${count}, holding ${formatBytes(usage.untaggedBytes)} that no tag uses\n`)
    printTable(
      io,
      ['DIGEST', 'SIZE', 'FREES', 'LAST TAGS', 'FIRST SEEN'],
      usage.untagged.map((image) => [
        image.digest,
        formatBytes(image.bytes),
        formatBytes(image.freesBytes),
        image.lastTags.length > 0 ? image.lastTags.map(terminalSafe).join(', ') : '-',
        image.firstSeen ? formatRelativeDate(image.firstSeen) : 'unknown',
      ]),
    )
    io.stdout(`Delete one with: berth rm ${terminalSafe(usage.registry)}/${terminalSafe(usage.repository)}@<digest>\n`)
    io.stdout(`${garbageCollectionAdvice(session.profile?.kind ?? 'generic')}\n`)
  }
  const undated = usage.tags.filter((tag) => tag.date === null).length
  if (undated > 0 && !context.flag('dates'))
    io.stdout(`${undated} tags have no date Berth holds: --dates reads their configs (one request per image).\n`)
  footer(context, usage.tagsFromCache, usage.failures.length, usage.incomplete)
  for (const failure of usage.failures) {
    const what = failure.tag ?? (failure.digest ? shortDigest(failure.digest) : usage.repository)
    io.stderr(`berth: ${terminalSafe(what)}: ${terminalSafe(failure.error.message)}\n`)
  }
}

function footer(context: CliContext, tagsFromCache: number, failures: number, incomplete: boolean): void {
  if (tagsFromCache > 0)
    context.io.stdout(`${tagsFromCache} tags counted at the digest Berth last verified; --verify asks the registry for each.\n`)
  if (incomplete) context.io.stdout('Some manifests could not be read (or state no sizes): their blobs are not counted.\n')
  if (failures > 0) context.io.stdout(`${failures} could not be measured (listed on stderr): their bytes are not counted.\n`)
}

function reportedCell(reported: ReportedSize | null): string {
  if (reported === null) return '-'
  const source = reported.source === 'gitlab-rest-api' ? 'GitLab REST' : 'GitLab registry'
  const difference =
    reported.differenceBytes === null
      ? ''
      : `, ${reported.differenceBytes >= 0 ? '+' : '−'}${formatBytes(Math.abs(reported.differenceBytes))} vs Berth`
  return `${formatBytes(reported.bytes)} (${source}${difference})`
}
