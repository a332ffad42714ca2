// How `berth tag`, `cp` and `sync` speak: the plan of a dry run and the result of a copy for people,
// a progress line on a terminal (stderr), and for --json exactly the shapes of shared/copy.ts with
// `dryRun` said first (README "berth cp --json").
import type { CopyPlan, CopyPlanItem, CopyProgress, CopyResult } from '../../../shared/copy'
import { formatBytes } from '../../../shared/format'
import { shortDigest } from '../../http/digest'
import type { CliIo } from './cli-output'
import { printJson, progress, terminalSafe } from './cli-output'

export function printPlanJson(io: CliIo, plan: CopyPlan): void {
  printJson(io, { dryRun: true, ...plan })
}

export function printResultJson(io: CliIo, result: CopyResult): void {
  printJson(io, { dryRun: false, ...result })
}

const where = (side: { registry: string; repository: string }): string => terminalSafe(`${side.registry}/${side.repository}`)

function itemLines(item: CopyPlanItem): string[] {
  const lines: string[] = []
  const digests =
    item.destinationDigest === item.sourceDigest
      ? `${item.sourceDigest} (same digest at the destination)`
      : `${item.sourceDigest} → ${item.destinationDigest} (a new index: the digest changes)`
  lines.push(`  ${terminalSafe(item.reference)}  ${digests}`)
  if (item.tags.length > 0) {
    const tags = item.tags.map((tag) => {
      const state = tag.action === 'create' ? 'new' : tag.action === 'unchanged' ? 'already there' : `now at ${tag.current ?? '-'}`
      const label = tag.action === 'conflict' ? `CONFLICT: ${state}` : tag.action === 'overwrite' ? `overwrite: ${state}` : state
      return `${terminalSafe(tag.tag)} (${label})`
    })
    lines.push(`      tags: ${tags.join(', ')}`)
  }
  if (item.platforms.length > 0) {
    const dropped = item.droppedPlatforms.length > 0 ? `; left out: ${item.droppedPlatforms.map(terminalSafe).join(', ')}` : ''
    lines.push(`      platforms: ${item.platforms.map(terminalSafe).join(', ')}${dropped}`)
  }
  if (item.manifests.length > 0 || item.blobs.length > 0) {
    const manifestsPresent = item.manifests.filter((manifest) => manifest.present).length
    const count = (state: string): number => item.blobs.filter((blob) => blob.state === state).length
    const parts = [`${count('present')} present`]
    if (count('mount') > 0) parts.push(`${count('mount')} mounted from the source repository (${formatBytes(item.bytes.mount)}, not sent)`)
    parts.push(`${count('missing')} to send (${formatBytes(item.bytes.missing)})`)
    lines.push(`      manifests: ${item.manifests.length} (${manifestsPresent} present)   blobs: ${item.blobs.length}: ${parts.join(', ')}`)
  }
  for (const referrer of item.referrers) {
    const tags = referrer.tags.length > 0 ? ` as ${referrer.tags.map((tag) => terminalSafe(tag.tag)).join(', ')}` : ''
    lines.push(`      referrer: ${referrer.kind} ${shortDigest(referrer.digest, 19)} of ${shortDigest(referrer.subject, 19)}${tags}`)
  }
  for (const note of item.notes) lines.push(`      note: ${terminalSafe(note)}`)
  return lines
}

export function printPlan(io: CliIo, plan: CopyPlan): void {
  const lines = [`Copy ${where(plan.source)} → ${where(plan.destination)} (${plan.mode})`]
  for (const item of plan.items) for (const line of itemLines(item)) lines.push(line)
  for (const skipped of plan.skipped) lines.push(`  skipped ${terminalSafe(skipped.reference)}: ${terminalSafe(skipped.reason)}`)
  const totals = plan.totals
  lines.push(
    '',
    `Dry run: nothing was written. ${totals.items} image${totals.items === 1 ? '' : 's'}, ${totals.blobsMissing} of ` +
      `${totals.blobs} blobs not at the destination: ${formatBytes(totals.bytesMissing)} to send` +
      (totals.bytesMount > 0 ? `, ${formatBytes(totals.bytesMount)} to mount` : '') +
      (totals.conflicts > 0 ? `; ${totals.conflicts} refused without --force (tags that point elsewhere).` : '.'),
  )
  io.stdout(`${lines.join('\n')}\n`)
}

export function printResult(io: CliIo, result: CopyResult): void {
  const lines: string[] = []
  for (const item of result.items) {
    const tags = item.tags.filter((tag) => tag.status === 'written').map((tag) => terminalSafe(tag.tag))
    const target = `${where(result.destination)}${tags.length > 0 ? `:${tags.join(',')}` : ''}`
    const blobs = item.blobs
    const moved =
      `${blobs.uploaded + blobs.resumed} blob${blobs.uploaded + blobs.resumed === 1 ? '' : 's'} sent (${formatBytes(item.bytesUploaded)}` +
      `${blobs.resumed > 0 ? `, ${blobs.resumed} resumed` : ''}), ${blobs.mounted} mounted, ${blobs.present} already there`
    switch (item.status) {
      case 'copied':
        lines.push(`Copied ${terminalSafe(item.reference)} → ${target} ${item.destinationDigest ?? ''} (verified) — ${moved}`)
        break
      case 'up-to-date':
        lines.push(`Up to date: ${terminalSafe(item.reference)} (${item.destinationDigest ?? ''})`)
        break
      default:
        lines.push(`${item.status.toUpperCase()} ${terminalSafe(item.reference)}: ${terminalSafe(item.error?.message ?? 'unknown error')}`)
    }
  }
  for (const skipped of result.skipped) lines.push(`Skipped ${terminalSafe(skipped.reference)}: ${terminalSafe(skipped.reason)}`)
  if (result.items.length > 1 || result.skipped.length > 0) {
    const totals = result.totals
    lines.push(
      `${totals.copied} copied, ${totals.upToDate} up to date, ${totals.failed} failed; ` +
        `${formatBytes(totals.bytesUploaded)} sent in ${totals.seconds} s.`,
    )
  }
  io.stdout(`${lines.join('\n')}\n`)
}

/** One line on stderr, redrawn, on a terminal only. */
export function showProgress(io: CliIo, state: CopyProgress): void {
  const items = state.itemsTotal > 1 ? `[${Math.min(state.itemsDone + 1, state.itemsTotal)}/${state.itemsTotal}] ` : ''
  const item = state.item ? `${terminalSafe(state.item)} ` : ''
  const speed = state.bytesPerSecond > 0 ? `  ${formatBytes(state.bytesPerSecond)}/s` : ''
  progress(
    io,
    `${items}${item}${state.phase}: blobs ${state.blobsDone}/${state.blobsTotal}, ` +
      `${formatBytes(state.bytesDone)} of ${formatBytes(state.bytesTotal)}${speed}`,
  )
}
