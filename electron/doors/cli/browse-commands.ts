// The read-only commands: repos, tags, inspect (pull-cmd lives in pull-cmd-command.ts).
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import { formatBytes, formatPlatform } from '../../../shared/format'
import { compileTagFilter, sortTags } from '../../../shared/tag-sort'
import { artifactLabel, artifactOfDetails, type ArtifactInfo } from '../../../shared/artifact-kind'
import { offersPlatform } from '../../../shared/platform'
import { BerthError } from '../../../shared/errors'
import { contradictsName, parseReferrerTag, type ReferrerTagKind } from '../../../shared/referrer-tags'
import { groupReferrerRows, withReferrers } from './referrer-rows'
import { parseImageReference } from '../../http/reference'
import { shortDigest } from '../../http/digest'
import type { CliContext } from './cli-context'
import { endProgress, IncompleteResult, printJson, printTable, progress, terminalSafe, UsageError } from './cli-output'
import { inspectLines, platformOption } from './inspect-output'

export async function reposCommand(context: CliContext, registry: string): Promise<void> {
  const session = await context.session(registry)
  const listing = await session.listRepositories()
  if (context.json) return printJson(context.io, listing)
  if (listing.catalog === 'unavailable') {
    context.io.stderr(`berth: ${terminalSafe(listing.reason ?? 'this registry offers no catalog')}\n`)
    context.io.stderr('  Add repositories by name in the app, or name one directly: berth tags <registry>/<repository>\n')
  }
  for (const name of listing.repositories) context.io.stdout(`${terminalSafe(name)}\n`)
}

/** The documented `tags --details --json` row: stable, consumed by scripts. */
export interface TagRowJson {
  tag: string
  digest: string
  mediaType: string
  configDigest: string | null
  size: number | null
  created: string | null
  /** When the registry's own API says the tag was pushed (GitLab, Docker Hub); null where unknown. */
  pushedAt: string | null
  platforms: { os: string; architecture: string; variant: string | null; digest: string; size: number | null }[]
  artifactType: string | null
  /** What the manifest holds (shared/artifact-kind.ts); null where the registry's answer does not say. */
  artifact: ArtifactInfo | null
  /**
   * A referrer tag (cosign `sha256-<hex>.sig|.att|.sbom`, the referrers index `sha256-<hex>`): the
   * image it belongs to and what it holds; null for every other tag. Additive: older readers ignore it.
   */
  referrer: { subject: string; kind: ReferrerTagKind } | null
}

export function tagRowJson(details: TagDetails): TagRowJson {
  const name = parseReferrerTag(details.tag)
  return {
    tag: details.tag,
    digest: details.digest,
    mediaType: details.mediaType,
    configDigest: details.configDigest,
    size: details.size,
    created: details.created,
    pushedAt: details.pushed ?? null,
    platforms: details.platforms.map((platform) => ({
      os: platform.os,
      architecture: platform.architecture,
      variant: platform.variant ?? null,
      digest: platform.digest,
      size: platform.size,
    })),
    artifactType: details.artifactType,
    artifact: artifactOfDetails(details),
    referrer: name && !contradictsName(name, details) ? { subject: name.subject, kind: name.kind } : null,
  }
}

export async function tagsCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  if (ref.tag || ref.digest) throw new UsageError('tags takes <registry>/<repository> without a tag or digest')
  const sort = context.string('sort') ?? 'name'
  if (!['name', 'semver', 'date', 'size'].includes(sort)) throw new UsageError('--sort must be one of name, semver, date, size')
  const filterText = context.string('filter')
  const filter = filterText ? compileTagFilter(filterText, 'regex') : null
  if (filter && !filter.ok) throw new UsageError(`--filter: ${filter.error}`)
  // Which platforms a tag offers is in its details: --platform reads them.
  const platform = platformOption(context, 'tags')
  const details = context.flag('details') || sort === 'date' || sort === 'size' || platform !== undefined

  const session = await context.session(ref.registry)
  const all = (await session.listTags(ref.repository)).tags
  const tags = filter && filter.ok ? all.filter((t) => filter.test(t)) : all
  const direction = context.flag('desc') ? 'desc' : 'asc'

  if (!details) {
    const sorted = sortTags(
      tags.map((tag) => ({ tag })),
      sort as 'name' | 'semver',
      direction,
    )
    if (context.json)
      return printJson(
        context.io,
        sorted.map((r) => r.tag),
      )
    for (const row of sorted) context.io.stdout(`${terminalSafe(row.tag)}\n`)
    return
  }

  let done = 0
  const results = await session.getTagDetails(ref.repository, tags, {
    persist: 'await',
    onResult: () => progress(context.io, `details ${++done}/${tags.length}`),
  })
  endProgress(context.io)
  const failed = results.filter((r): r is Extract<TagDetailsResult, { ok: false }> => !r.ok)
  const rows = sortTags(
    results
      .filter((r): r is Extract<TagDetailsResult, { ok: true }> => r.ok)
      .filter((r) => platform === undefined || offersPlatform(r.details, platform))
      .map((r) => ({ ...r.details })),
    sort as 'name' | 'semver' | 'date' | 'size',
    direction,
  )
  // Nothing could be read: that is an error (exit 2, or 3 for credentials), not a partial answer.
  const firstFailure = failed[0]
  if (firstFailure && rows.length === 0) {
    throw new BerthError({ ...firstFailure.error, message: `No tag of ${tags.length} could be read: ${firstFailure.error.message}` })
  }
  if (context.json) {
    // Complete: the documented array. Some rows failed: an object that says so, so no script takes a
    // short list for the whole repository (README "berth tags --details --json").
    if (failed.length === 0) printJson(context.io, rows.map(tagRowJson))
    else printJson(context.io, { complete: false, rows: rows.map(tagRowJson), errors: failed.map((f) => ({ tag: f.tag, ...f.error })) })
  } else {
    // Referrer tags go under their image: hidden unless --all, counted on their subject's row.
    const grouping = groupReferrerRows(rows)
    const shown = context.flag('all') ? rows : rows.filter((row) => !grouping.hidden.has(row.tag))
    printTable(
      context.io,
      ['TAG', 'DIGEST', 'SIZE', 'CREATED', 'PLATFORMS', 'TYPE'],
      shown.map((row) => [
        terminalSafe(row.tag),
        shortDigest(row.digest),
        formatBytes(row.size),
        row.created ?? 'unknown',
        row.platforms.length > 0 ? row.platforms.map(formatPlatform).join(',') : row.platform ? formatPlatform(row.platform) : '-',
        withReferrers(typeColumn(row), row, grouping),
      ]),
    )
    if (grouping.hidden.size > 0 && !context.flag('all')) {
      const count = grouping.hidden.size
      context.io.stderr(
        `berth: ${count} referrer tag${count === 1 ? '' : 's'} (signatures, SBOMs, attestations) hidden under their images ` +
          '(counted in TYPE): --all lists them\n',
      )
    }
  }
  if (failed.length === 0) return
  for (const failure of failed) context.io.stderr(`berth: ${terminalSafe(failure.tag)}: ${terminalSafe(failure.error.message)}\n`)
  context.io.stderr(`berth: incomplete: ${failed.length} of ${tags.length} tags could not be read (listed above).\n`)
  throw new IncompleteResult(`${failed.length} of ${tags.length} tags could not be read`)
}

export async function inspectCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const reference = ref.digest ?? ref.tag
  if (!reference) throw new UsageError('inspect takes <registry>/<repository>:<tag> or @<digest>')
  const platform = platformOption(context, 'inspect')
  const session = await context.session(ref.registry)
  const inspection = await session.inspect(ref.repository, reference, platform ? { platform } : {})
  if (context.json) return printJson(context.io, inspection)
  const out = inspectLines(target, inspection)
  if (inspection.layers.length > 0) {
    out.push('Layers:')
    for (const layer of inspection.layers) out.push(`  ${layer.digest}  ${formatBytes(layer.size)}`)
  }
  const config = inspection.config
  if (config) {
    if (config.entrypoint) out.push(`Entrypoint:    ${terminalSafe(JSON.stringify(config.entrypoint))}`)
    if (config.cmd) out.push(`Cmd:           ${terminalSafe(JSON.stringify(config.cmd))}`)
    if (config.workingDir) out.push(`Workdir:       ${terminalSafe(config.workingDir)}`)
    if (config.user) out.push(`User:          ${terminalSafe(config.user)}`)
    if (config.env.length > 0) {
      out.push('Env:')
      for (const variable of config.env) out.push(`  ${terminalSafe(variable)}`)
    }
    const labels = Object.entries(config.labels)
    if (labels.length > 0) {
      out.push('Labels:')
      for (const [key, value] of labels) out.push(`  ${terminalSafe(key)}=${terminalSafe(value)}`)
    }
  }
  if (inspection.referrers.length > 0) {
    out.push('Referrers:')
    for (const referrer of inspection.referrers) {
      out.push(`  ${referrer.kind.padEnd(11)} ${referrer.digest} ${terminalSafe(referrer.artifactType ?? referrer.mediaType)}`)
    }
  }
  if (inspection.tagsSharingDigest.length > 0) out.push(`Tags on this digest: ${inspection.tagsSharingDigest.map(terminalSafe).join(', ')}`)
  context.io.stdout(`${out.join('\n')}\n`)
}

/** An image reads as its shape (image, index); anything else as what it is ("Helm chart demo 0.1.0"). */
function typeColumn(row: TagDetails): string {
  const artifact = artifactOfDetails(row)
  if (artifact !== null && artifact.kind !== 'image') return terminalSafe(artifactLabel(artifact))
  return row.kind === 'artifact' ? `artifact ${terminalSafe(row.artifactType ?? '')}`.trim() : row.kind
}
