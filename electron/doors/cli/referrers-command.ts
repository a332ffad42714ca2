// `berth referrers REF`: the signatures, SBOMs and attestations of an image, with what their
// documents say (an SBOM's format and package count, a provenance's builder, source and commit),
// and an index's buildx attestations. The same reading as the app's details panel (inspect).
import { parseImageReference } from '../../http/reference'
import type { CliContext } from './cli-context'
import { printJson, terminalSafe, UsageError } from './cli-output'
import { buildAttestationReport, referrerReport } from './referrer-output'

export async function referrersCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const reference = ref.digest ?? ref.tag
  if (!reference) throw new UsageError('referrers takes <registry>/<repository>:<tag> or @<digest>')
  const session = await context.session(ref.registry)
  const inspection = await session.inspect(ref.repository, reference)
  const buildAttestations = inspection.buildAttestations ?? []
  if (context.json) {
    return printJson(context.io, {
      repository: inspection.repository,
      reference,
      digest: inspection.details.digest,
      referrers: inspection.referrers,
      buildAttestations,
    })
  }
  const out = [`${terminalSafe(target)}  ${inspection.details.digest}`]
  if (inspection.referrers.length === 0 && buildAttestations.length === 0) out.push('No referrers.')
  for (const line of inspection.referrers.flatMap(referrerReport)) out.push(line)
  for (const line of buildAttestations.flatMap(buildAttestationReport)) out.push(line)
  context.io.stdout(`${out.join('\n')}\n`)
}
