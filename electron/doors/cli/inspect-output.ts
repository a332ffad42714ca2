// `berth inspect` for people, and the one --platform value inspect and tags take. An index shows its
// entries as a table and says how to open one; with --platform, the chosen image's manifest, config,
// layers and history follow, under a line that says which platform they are.
import { artifactLabel, artifactOfDetails } from '../../../shared/artifact-kind'
import { formatBytes, formatPlatform } from '../../../shared/format'
import { parsePlatformSelector, type PlatformName } from '../../../shared/platform'
import type { IndexEntrySummary, Inspection } from '../../../shared/types'
import { shortDigest } from '../../http/digest'
import type { CliContext } from './cli-context'
import { terminalSafe, UsageError } from './cli-output'

/** `--platform os/arch[/variant]`, given at most once; undefined when absent. */
export function platformOption(context: CliContext, command: string): PlatformName | undefined {
  const values = context.strings('platform')
  if (values.length === 0) return undefined
  if (values.length > 1) throw new UsageError(`${command} takes one --platform (got ${values.map(terminalSafe).join(', ')})`)
  const selector = parsePlatformSelector(values[0] ?? '')
  if (!selector)
    throw new UsageError(`--platform must be os/arch[/variant], e.g. linux/arm64 or linux/arm/v7 (got "${terminalSafe(values[0] ?? '')}")`)
  return selector
}

/** What the reference holds, and so which tool pulls it (shared/artifact-kind.ts, `berth pull-cmd`). */
function holds(details: Inspection['details']): string {
  const artifact = artifactOfDetails(details)
  return artifact === null ? 'not known' : terminalSafe(artifactLabel(artifact))
}

export function inspectLines(target: string, inspection: Inspection): string[] {
  const details = inspection.details
  const out: string[] = [
    `Reference:     ${terminalSafe(target)}`,
    `Digest:        ${details.digest}`,
    `Media type:    ${terminalSafe(details.mediaType)}`,
    `Kind:          ${details.kind}${details.artifactType ? ` (${terminalSafe(details.artifactType)})` : ''}`,
    `Holds:         ${holds(details)}`,
    `Config digest: ${details.configDigest ?? '-'}`,
    `Size:          ${formatBytes(details.size)} (${terminalSafe(details.sizeNote)})`,
    `Created:       ${details.created ?? 'unknown'} (${details.createdSource})`,
  ]
  if (inspection.manifests.length > 0) for (const line of entryTable(target, inspection)) out.push(line)
  else if (inspection.platform) out.push(`Platform:      ${terminalSafe(formatPlatform(inspection.platform))}`)
  const image = inspection.platformImage
  if (image && inspection.platform) {
    out.push(
      '',
      `Showing platform ${terminalSafe(formatPlatform(inspection.platform))} of this index:`,
      `  Digest:        ${image.digest}`,
      `  Media type:    ${terminalSafe(image.mediaType)}`,
      `  Config digest: ${image.configDigest}`,
      `  Size:          ${formatBytes(image.size)} (compressed layers + config)`,
      `  Created:       ${image.created ?? 'unknown'}`,
    )
  }
  return out
}

function entryTable(target: string, inspection: Inspection): string[] {
  const entries = inspection.manifests
  const platforms = entries.filter((entry) => entry.kind === 'platform')
  const cells = entries.map((entry) => [
    entry.kind === 'attestation' ? 'attestation' : terminalSafe(entry.platform ? formatPlatform(entry.platform) : 'unknown'),
    entry.digest,
    formatBytes(entry.size),
    entry.layerCount === null ? '-' : String(entry.layerCount),
    entry.kind === 'attestation' ? attestsText(entry, entries) : (entry.created ?? 'unknown'),
  ])
  const header = ['PLATFORM', 'DIGEST', 'SIZE', 'LAYERS', 'CREATED']
  const widths = header.map((title, column) => cells.reduce((widest, row) => Math.max(widest, row[column]?.length ?? 0), title.length))
  const line = (row: string[]) =>
    `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`.trimEnd()
  const shown = inspection.platformImage?.digest
  const attestations = entries.length - platforms.length
  const aside = attestations > 0 ? ` (+${attestations} attestation manifest${attestations === 1 ? '' : 's'}, not platforms)` : ''
  const out = [`Platforms:     ${platforms.length}${aside}`, line(header)]
  for (const [i, row] of cells.entries()) out.push(`${line(row)}${entries[i]?.digest === shown ? '   <- shown below' : ''}`)
  const first = platforms.find((entry) => entry.platform)?.platform
  if (!inspection.platformImage && first) {
    out.push(
      '',
      `A multi-platform index has no config or layers of its own: pick a platform to see them, e.g.`,
      `  berth inspect ${terminalSafe(target)} --platform ${terminalSafe(formatPlatform(first))}`,
    )
  }
  return out
}

function attestsText(entry: IndexEntrySummary, entries: IndexEntrySummary[]): string {
  if (entry.attests === null) return 'attests -'
  const subject = entries.find((other) => other.digest === entry.attests && other.kind === 'platform')
  return `attests ${subject?.platform ? terminalSafe(formatPlatform(subject.platform)) : shortDigest(entry.attests)}`
}
