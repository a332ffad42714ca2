// `berth cleanup <registry>/<repo>`: the cleanup plan as a table or JSON; a dry run unless --yes.
// Deletion is tag-safe only and checked against the digests the plan showed (electron/operations/cleanup.ts).
import { BerthError } from '../../../shared/errors'
import { cleanupRulesSchema, type CleanupPlan, type CleanupRules } from '../../../shared/cleanup-rules'
import { garbageCollectionNote } from '../../../shared/types'
import type { CleanupRulesStore } from '../../stores/cleanup-rules-store'
import type { CleanupRunResult, RegistrySession } from '../../session/registry-session'
import { gitlabBulkParameters, gitlabBulkRequestFor, gitlabRunsLaterNote } from '../../../shared/gitlab-cleanup'
import { shortDigest } from '../../http/digest'
import { parseImageReference } from '../../http/reference'
import type { CliContext } from './cli-context'
import { endProgress, printJson, printTable, progress, terminalSafe, UsageError } from './cli-output'

export async function cleanupCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  if (ref.tag || ref.digest) throw new UsageError('cleanup takes <registry>/<repository> without a tag or digest')
  if (context.flag('dry-run') && context.flag('yes')) throw new UsageError('--dry-run and --yes contradict each other')
  const session = await context.session(ref.registry)
  if (context.flag('server-side') && !session.capabilities.serverSideCleanup)
    throw new BerthError({
      code: 'unsupported',
      message: `${ref.registry} does not run cleanups itself: only GitLab does (its bulk tag delete).`,
      fix: 'Drop --server-side: Berth then removes the planned tags one by one.',
    })
  const store = context.core().cleanupRules
  // The same key the app uses (the profile id), so rules saved in one are re-run by the other.
  const registryKey = session.profile?.id ?? ref.registry
  const rules = context.flag('saved-rules') ? await savedRules(store, registryKey, ref.repository) : rulesFromFlags(context)
  if (context.flag('save-rules')) await store.save(registryKey, ref.repository, rules)
  if (context.flag('server-side')) return serverSideCleanup(context, session, ref.repository, rules)

  const plan = await session.planCleanup(ref.repository, rules, {
    onProgress: (done, total) => progress(context.io, `Reading tag details ${done}/${total}`),
  })
  endProgress(context.io)
  if (!context.flag('yes')) {
    if (context.json) return printJson(context.io, { dryRun: true, plan })
    printPlan(context, plan)
    if (plan.remove.length > 0)
      context.io.stdout(`\nDry run: nothing was deleted. Run again with --yes to remove these ${plan.remove.length} tags.\n`)
    return
  }
  if (plan.remove.length === 0) {
    if (context.json)
      return printJson(context.io, { dryRun: false, plan, results: [], removed: [], failed: [], note: garbageCollectionNote })
    printPlan(context, plan)
    return
  }
  const run = await session.runCleanup(ref.repository, plan.remove, plan.expectedDigests, {
    onProgress: (done, total) => progress(context.io, `Removing tags ${done}/${total}`),
  })
  endProgress(context.io)
  if (context.json)
    printJson(context.io, {
      dryRun: false,
      plan,
      results: run.results,
      removed: run.removed,
      failed: run.failed,
      note: garbageCollectionNote,
    })
  else printRun(context, plan, run)
  const firstFailure = run.results.find((r) => !r.ok)?.error
  if (firstFailure) {
    const firstFailedTags = run.failed.slice(0, 5).map(terminalSafe).join(', ')
    throw new BerthError({
      ...firstFailure,
      message: `${run.failed.length} of ${run.results.length} tags could not be removed (${firstFailedTags}): ${firstFailure.message}`,
      fix: 'Run the same command again to retry: the removed tags are gone, so only the failed ones are planned again.',
    })
  }
}

function rulesFromFlags(context: CliContext): CleanupRules {
  const keepN = context.string('keep-n')
  if (keepN !== undefined && !/^\d+$/.test(keepN)) throw new UsageError('--keep-n must be a whole number (0 = no keep-n rule)')
  const parsed = cleanupRulesSchema.safeParse({
    keepN: keepN === undefined ? 0 : Number(keepN),
    keepRegex: context.string('keep-regex') ?? '',
    removeRegex: context.string('delete-regex') ?? '',
    olderThan: context.string('older-than') ?? '',
    unlockLatest: context.flag('unlock-latest'),
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const flag =
      { keepN: '--keep-n', keepRegex: '--keep-regex', removeRegex: '--delete-regex', olderThan: '--older-than' }[String(issue?.path[0])] ??
      'rules'
    throw new UsageError(`${flag}: ${issue?.message ?? 'invalid'}`)
  }
  if (parsed.data.removeRegex === '')
    throw new UsageError('cleanup needs --delete-regex: without it nothing is ever removed (use .* to consider every tag)')
  return parsed.data
}

async function savedRules(store: CleanupRulesStore, registryKey: string, repository: string): Promise<CleanupRules> {
  const saved = await store.load(registryKey, repository)
  if (!saved)
    throw new BerthError({
      code: 'not_found',
      message: `No cleanup rules are saved for ${repository}.`,
      fix: 'Save them with --save-rules (or in the app).',
    })
  return saved.rules
}

function printPlan(context: CliContext, plan: CleanupPlan): void {
  const rules = plan.rules
  const ruleSummaries = [
    `remove ${rules.removeRegex ? `/${rules.removeRegex}/` : '(nothing)'}`,
    rules.keepRegex ? `keep /${rules.keepRegex}/` : null,
    rules.keepN > 0 ? `keep ${rules.keepN} most recent` : null,
    rules.olderThan ? `older than ${rules.olderThan}` : null,
    rules.unlockLatest ? 'latest UNLOCKED' : 'latest protected',
  ].filter(Boolean)
  context.io.stdout(
    `Cleanup plan for ${terminalSafe(plan.repository)}: ${ruleSummaries.map((s) => terminalSafe(String(s))).join('; ')}\n\n`,
  )
  printTable(
    context.io,
    ['ACTION', 'TAG', 'DIGEST', 'DATE', 'WHY'],
    plan.items.map((item) => [
      item.action === 'remove' ? 'REMOVE' : 'keep',
      terminalSafe(item.tag),
      item.digest ? shortDigest(item.digest) : '-',
      item.date ? `${item.date.slice(0, 10)} (${item.dateSource})` : 'unknown',
      item.why,
    ]),
  )
  context.io.stdout(`\n${plan.summary}\n`)
  if (plan.storage && plan.remove.length > 0) context.io.stdout(`${plan.storage.note}\n`)
  for (const shared of plan.sharedWithKept) {
    const kept = shared.kept.map(terminalSafe).join(', ')
    const removed = shared.removed.map(terminalSafe).join(', ')
    context.io.stdout(`  ${shortDigest(shared.digest)} stays tagged as ${kept}; only ${removed} go.\n`)
  }
  for (const child of plan.childrenStillUsed) {
    const removedIndexes = child.removedIndexTags.map(terminalSafe).join(', ')
    const keptIndexes = child.keptIndexTags.map(terminalSafe).join(', ')
    context.io.stdout(
      `  platform image ${shortDigest(child.digest)} of ${removedIndexes} is still used by ${keptIndexes}: ` +
        'untouched (nothing is deleted by digest).\n',
    )
  }
}

function printRun(context: CliContext, plan: CleanupPlan, run: CleanupRunResult): void {
  printPlan(context, plan)
  const cancelled = run.cancelled.length > 0 ? ` ${run.cancelled.length} not attempted (cancelled).` : ''
  context.io.stdout(`\nRemoved ${run.removed.length} of ${run.results.length} tags.${cancelled} ${garbageCollectionNote}\n`)
  for (const result of run.results) {
    if (!result.ok) context.io.stdout(`  FAILED ${terminalSafe(result.tag)}: ${terminalSafe(result.error?.message ?? 'unknown error')}\n`)
  }
}

/**
 * --server-side: the rules in GitLab's vocabulary, shown (dry run) or submitted (--yes). GitLab
 * answers 202 and runs the cleanup later, so what it accepted is all there is to print.
 */
async function serverSideCleanup(context: CliContext, session: RegistrySession, repository: string, rules: CleanupRules): Promise<void> {
  const translated = gitlabBulkRequestFor(rules)
  if (!translated.ok) throw new UsageError(`--server-side: ${translated.error}`)
  const { request, notes } = translated
  const parameters = (pairs: [string, string][]) => pairs.map(([name, value]) => `  ${name.padEnd(18)} ${terminalSafe(value)}\n`).join('')
  if (!context.flag('yes')) {
    if (context.json)
      return printJson(context.io, { serverSide: true, dryRun: true, repository, request, notes, note: gitlabRunsLaterNote })
    context.io.stdout(`GitLab would be asked to clean up ${terminalSafe(repository)} with:\n${parameters(gitlabBulkParameters(request))}\n`)
    for (const note of notes) context.io.stdout(`- ${note}\n`)
    context.io.stdout(`- ${gitlabRunsLaterNote}\n\nDry run: nothing was submitted. Run again with --yes to hand this cleanup to GitLab.\n`)
    return
  }
  const result = await session.submitServerCleanup(repository, request)
  if (context.json) return printJson(context.io, { serverSide: true, dryRun: false, ...result, notes })
  context.io.stdout(
    `GitLab accepted the cleanup of ${terminalSafe(result.repository)} with:\n${parameters(gitlabBulkParameters(result.accepted))}\n` +
      `${result.note}\nGitLab runs it in the background: refresh the tag list (berth tags) in a few minutes to see what went.\n`,
  )
}
