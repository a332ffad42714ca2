// `berth cleanup <registry>/<repo>`: the cleanup plan as a table or JSON; a dry run unless --yes.
// Deletion is tag-safe only and checked against the digests the plan showed (electron/operations/cleanup.ts).
import { BerthError } from '../../../shared/errors'
import { cleanupRulesSchema, type CleanupPlan, type CleanupRules } from '../../../shared/cleanup-rules'
import { garbageCollectionNote } from '../../../shared/types'
import type { CleanupRulesStore } from '../../stores/cleanup-rules-store'
import type { CleanupRunResult } from '../../session/registry-session'
import { shortDigest } from '../../http/digest'
import { parseImageReference } from '../../http/reference'
import type { CliContext } from './cli-context'
import { endProgress, printJson, printTable, progress, terminalSafe, UsageError } from './cli-output'

export async function cleanupCommand(ctx: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  if (ref.tag || ref.digest) throw new UsageError('cleanup takes <registry>/<repository> without a tag or digest')
  if (ctx.flag('dry-run') && ctx.flag('yes')) throw new UsageError('--dry-run and --yes contradict each other')
  const session = await ctx.session(ref.registry)
  const store = ctx.core().cleanupRules
  // The same key the app uses (the profile id), so rules saved in one are re-run by the other.
  const registryKey = session.profile?.id ?? ref.registry
  const rules = ctx.flag('saved-rules') ? await savedRules(store, registryKey, ref.repository) : rulesFromFlags(ctx)
  if (ctx.flag('save-rules')) await store.save(registryKey, ref.repository, rules)

  const plan = await session.planCleanup(ref.repository, rules, {
    onProgress: (done, total) => progress(ctx.io, `Reading tag details ${done}/${total}`),
  })
  endProgress(ctx.io)
  if (!ctx.flag('yes')) {
    if (ctx.json) return printJson(ctx.io, { dryRun: true, plan })
    printPlan(ctx, plan)
    if (plan.remove.length > 0)
      ctx.io.stdout(`\nDry run: nothing was deleted. Run again with --yes to remove these ${plan.remove.length} tags.\n`)
    return
  }
  if (plan.remove.length === 0) {
    if (ctx.json) return printJson(ctx.io, { dryRun: false, plan, results: [], removed: [], failed: [], note: garbageCollectionNote })
    printPlan(ctx, plan)
    return
  }
  const run = await session.runCleanup(ref.repository, plan.remove, plan.expectedDigests, {
    onProgress: (done, total) => progress(ctx.io, `Removing tags ${done}/${total}`),
  })
  endProgress(ctx.io)
  if (ctx.json)
    printJson(ctx.io, { dryRun: false, plan, results: run.results, removed: run.removed, failed: run.failed, note: garbageCollectionNote })
  else printRun(ctx, plan, run)
  const firstFailure = run.results.find((r) => !r.ok)?.error
  if (firstFailure) {
    throw new BerthError({
      ...firstFailure,
      message: `${run.failed.length} of ${run.results.length} tags could not be removed (${run.failed.slice(0, 5).map(terminalSafe).join(', ')}): ${firstFailure.message}`,
      fix: 'Run the same command again to retry: the removed tags are gone, so only the failed ones are planned again.',
    })
  }
}

function rulesFromFlags(ctx: CliContext): CleanupRules {
  const keepN = ctx.string('keep-n')
  if (keepN !== undefined && !/^\d+$/.test(keepN)) throw new UsageError('--keep-n must be a whole number (0 = no keep-n rule)')
  const parsed = cleanupRulesSchema.safeParse({
    keepN: keepN === undefined ? 0 : Number(keepN),
    keepRegex: ctx.string('keep-regex') ?? '',
    removeRegex: ctx.string('delete-regex') ?? '',
    olderThan: ctx.string('older-than') ?? '',
    unlockLatest: ctx.flag('unlock-latest'),
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

function printPlan(ctx: CliContext, plan: CleanupPlan): void {
  const r = plan.rules
  const rules = [
    `remove ${r.removeRegex ? `/${r.removeRegex}/` : '(nothing)'}`,
    r.keepRegex ? `keep /${r.keepRegex}/` : null,
    r.keepN > 0 ? `keep ${r.keepN} most recent` : null,
    r.olderThan ? `older than ${r.olderThan}` : null,
    r.unlockLatest ? 'latest UNLOCKED' : 'latest protected',
  ].filter(Boolean)
  ctx.io.stdout(`Cleanup plan for ${terminalSafe(plan.repository)}: ${rules.map((s) => terminalSafe(String(s))).join('; ')}\n\n`)
  printTable(
    ctx.io,
    ['ACTION', 'TAG', 'DIGEST', 'DATE', 'WHY'],
    plan.items.map((i) => [
      i.action === 'remove' ? 'REMOVE' : 'keep',
      terminalSafe(i.tag),
      i.digest ? shortDigest(i.digest) : '-',
      i.date ? `${i.date.slice(0, 10)} (${i.dateSource})` : 'unknown',
      i.why,
    ]),
  )
  ctx.io.stdout(`\n${plan.summary}\n`)
  for (const s of plan.sharedWithKept)
    ctx.io.stdout(
      `  ${shortDigest(s.digest)} stays tagged as ${s.kept.map(terminalSafe).join(', ')}; only ${s.removed.map(terminalSafe).join(', ')} go.\n`,
    )
  for (const c of plan.childrenStillUsed) {
    ctx.io.stdout(
      `  platform image ${shortDigest(c.digest)} of ${c.removedIndexTags.map(terminalSafe).join(', ')} is still used by ${c.keptIndexTags.map(terminalSafe).join(', ')}: untouched (nothing is deleted by digest).\n`,
    )
  }
}

function printRun(ctx: CliContext, plan: CleanupPlan, run: CleanupRunResult): void {
  printPlan(ctx, plan)
  ctx.io.stdout(
    `\nRemoved ${run.removed.length} of ${run.results.length} tags.${run.cancelled.length > 0 ? ` ${run.cancelled.length} not attempted (cancelled).` : ''} ${garbageCollectionNote}\n`,
  )
  for (const r of run.results) {
    if (!r.ok) ctx.io.stdout(`  FAILED ${terminalSafe(r.tag)}: ${terminalSafe(r.error?.message ?? 'unknown error')}\n`)
  }
}
