// `berth rm <registry>/<repository>@<digest>`: deletes an image no tag points at (one Berth lists as
// "untagged (seen before)", or any other), after a confirmation that says so. The session refuses
// if a tag points at it or reaches it (a platform or attestation of a tagged index), asked of the
// registry right before the DELETE (electron/session/delete-safety.ts, deleteUntaggedConfirmed).
import { BerthError } from '../../../shared/errors'
import { formatBytes } from '../../../shared/format'
import type { DeletePreview } from '../../../shared/types'
import { garbageCollectionAdvice, type UntaggedDeletePreview } from '../../../shared/usage'
import type { ImageReference } from '../../http/reference'
import type { CliContext } from './cli-context'
import { printJson, terminalSafe, UsageError } from './cli-output'

export async function rmUntaggedCommand(context: CliContext, ref: ImageReference): Promise<void> {
  const digest = ref.digest
  if (digest === undefined) throw new UsageError('rm <registry>/<repository>@<digest> needs a digest')
  const session = await context.session(ref.registry)
  const preview = await session.previewUntaggedDelete(ref.repository, [digest])
  const advice = garbageCollectionAdvice(session.profile?.kind ?? 'generic')
  if (context.flag('dry-run')) {
    if (context.json) return printJson(context.io, { dryRun: true, mode: 'untagged', ...preview })
    context.io.stdout(
      `Would delete the untagged image ${digest}${withChildren(preview)} from ${terminalSafe(ref.repository)}${lastTagged(preview)}.\n`,
    )
    if (preview.storage) context.io.stdout(`${preview.storage.note}\n`)
    return
  }
  if (!context.flag('yes')) {
    if (!context.io.isTty) throw new UsageError('rm deletes from the registry: pass --yes to confirm (or --dry-run to see what would go)')
    const frees = preview.freesBytes === null ? '' : ` It frees ${formatBytes(preview.freesBytes)} once garbage collection runs.`
    const question =
      `Delete ${digest}${withChildren(preview)} from ${terminalSafe(ref.repository)}? No tag points at it${lastTagged(preview)}; ` +
      `no tag is removed.${frees} [y/N] `
    if (!(await context.io.confirm(question))) throw new BerthError({ code: 'cancelled', message: 'Nothing was deleted.' })
  }
  const results = await session.deleteUntagged(ref.repository, [digest])
  if (context.json) printJson(context.io, { results, note: advice, freesBytes: preview.freesBytes, keptBytes: preview.keptBytes })
  for (const result of results) {
    if (!result.ok && result.error) throw new BerthError(result.error)
    if (context.json) continue
    const children = result.deleted.length - 1
    const also = children > 0 ? ` and its ${children === 1 ? 'platform manifest' : `${children} platform manifests`}` : ''
    context.io.stdout(`Deleted ${result.digest}${also} from ${terminalSafe(ref.repository)}. ${advice}\n`)
  }
}

function withChildren(preview: UntaggedDeletePreview): string {
  const count = preview.items[0]?.alsoDeleted.length ?? 0
  return count === 0 ? '' : ` and its ${count === 1 ? 'platform manifest' : `${count} platform manifests`} no tag uses`
}

function lastTagged(preview: UntaggedDeletePreview): string {
  const tags = preview.items[0]?.lastTags ?? []
  return tags.length > 0 ? ` (Berth last saw it tagged as ${tags.slice(-5).map(terminalSafe).join(', ')})` : ''
}

/** " It frees 12 MB once garbage collection runs." or why it frees nothing; '' when unknown. */
export function freesClause(preview: DeletePreview): string {
  const keeping = preview.items.flatMap((item) => item.stillTagged ?? [])
  if (preview.mode === 'tag' && keeping.length > 0)
    return ` The image stays tagged as ${keeping.slice(0, 5).map(terminalSafe).join(', ')}: this frees nothing.`
  if (preview.freesBytes === null || preview.freesBytes === undefined) return ''
  return ` It frees ${formatBytes(preview.freesBytes)} once garbage collection runs.`
}
