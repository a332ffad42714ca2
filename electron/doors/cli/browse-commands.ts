// The read-only commands: repos, tags, inspect, pull-cmd.
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import { formatBytes, formatPlatform } from '../../../shared/format'
import { compileTagFilter, sortTags } from '../../../shared/tag-sort'
import { pullCommands } from '../../../shared/pull-commands'
import { BerthError } from '../../../shared/errors'
import { parseImageReference } from '../../http/reference'
import { shortDigest } from '../../http/digest'
import type { CliContext } from './cli-context'
import { endProgress, IncompleteResult, printJson, printTable, progress, terminalSafe, UsageError } from './cli-output'

export async function reposCommand(ctx: CliContext, registry: string): Promise<void> {
  const session = await ctx.session(registry)
  const listing = await session.listRepositories()
  if (ctx.json) return printJson(ctx.io, listing)
  if (listing.catalog === 'unavailable') {
    ctx.io.stderr(`berth: ${terminalSafe(listing.reason ?? 'this registry offers no catalog')}\n`)
    ctx.io.stderr('  Add repositories by name in the app, or name one directly: berth tags <registry>/<repository>\n')
  }
  for (const name of listing.repositories) ctx.io.stdout(`${terminalSafe(name)}\n`)
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
}

export function tagRowJson(d: TagDetails): TagRowJson {
  return {
    tag: d.tag,
    digest: d.digest,
    mediaType: d.mediaType,
    configDigest: d.configDigest,
    size: d.size,
    created: d.created,
    pushedAt: d.pushed ?? null,
    platforms: d.platforms.map((p) => ({
      os: p.os,
      architecture: p.architecture,
      variant: p.variant ?? null,
      digest: p.digest,
      size: p.size,
    })),
    artifactType: d.artifactType,
  }
}

export async function tagsCommand(ctx: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  if (ref.tag || ref.digest) throw new UsageError('tags takes <registry>/<repository> without a tag or digest')
  const sort = ctx.string('sort') ?? 'name'
  if (!['name', 'semver', 'date', 'size'].includes(sort)) throw new UsageError('--sort must be one of name, semver, date, size')
  const filterText = ctx.string('filter')
  const filter = filterText ? compileTagFilter(filterText, 'regex') : null
  if (filter && !filter.ok) throw new UsageError(`--filter: ${filter.error}`)
  const details = ctx.flag('details') || sort === 'date' || sort === 'size'

  const session = await ctx.session(ref.registry)
  const all = (await session.listTags(ref.repository)).tags
  const tags = filter && filter.ok ? all.filter((t) => filter.test(t)) : all
  const direction = ctx.flag('desc') ? 'desc' : 'asc'

  if (!details) {
    const sorted = sortTags(
      tags.map((tag) => ({ tag })),
      sort as 'name' | 'semver',
      direction,
    )
    if (ctx.json)
      return printJson(
        ctx.io,
        sorted.map((r) => r.tag),
      )
    for (const r of sorted) ctx.io.stdout(`${terminalSafe(r.tag)}\n`)
    return
  }

  let done = 0
  const results = await session.getTagDetails(ref.repository, tags, {
    persist: 'await',
    onResult: () => progress(ctx.io, `details ${++done}/${tags.length}`),
  })
  endProgress(ctx.io)
  const failed = results.filter((r): r is Extract<TagDetailsResult, { ok: false }> => !r.ok)
  const rows = sortTags(
    results.filter((r): r is Extract<TagDetailsResult, { ok: true }> => r.ok).map((r) => ({ ...r.details })),
    sort as 'name' | 'semver' | 'date' | 'size',
    direction,
  )
  // Nothing could be read: that is an error (exit 2, or 3 for credentials), not a partial answer.
  const firstFailure = failed[0]
  if (firstFailure && rows.length === 0) {
    throw new BerthError({ ...firstFailure.error, message: `No tag of ${tags.length} could be read: ${firstFailure.error.message}` })
  }
  if (ctx.json) {
    // Complete: the documented array. Some rows failed: an object that says so, so no script takes a
    // short list for the whole repository (README "berth tags --details --json").
    if (failed.length === 0) printJson(ctx.io, rows.map(tagRowJson))
    else printJson(ctx.io, { complete: false, rows: rows.map(tagRowJson), errors: failed.map((f) => ({ tag: f.tag, ...f.error })) })
  } else {
    printTable(
      ctx.io,
      ['TAG', 'DIGEST', 'SIZE', 'CREATED', 'PLATFORMS', 'TYPE'],
      rows.map((d) => [
        terminalSafe(d.tag),
        shortDigest(d.digest),
        formatBytes(d.size),
        d.created ?? 'unknown',
        d.platforms.length > 0 ? d.platforms.map(formatPlatform).join(',') : d.platform ? formatPlatform(d.platform) : '-',
        d.kind === 'artifact' ? `artifact ${d.artifactType ?? ''}`.trim() : d.kind,
      ]),
    )
  }
  if (failed.length === 0) return
  for (const f of failed) ctx.io.stderr(`berth: ${terminalSafe(f.tag)}: ${terminalSafe(f.error.message)}\n`)
  ctx.io.stderr(`berth: incomplete: ${failed.length} of ${tags.length} tags could not be read (listed above).\n`)
  throw new IncompleteResult(`${failed.length} of ${tags.length} tags could not be read`)
}

export async function inspectCommand(ctx: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const reference = ref.digest ?? ref.tag
  if (!reference) throw new UsageError('inspect takes <registry>/<repository>:<tag> or @<digest>')
  const session = await ctx.session(ref.registry)
  const inspection = await session.inspect(ref.repository, reference)
  if (ctx.json) return printJson(ctx.io, inspection)
  const d = inspection.details
  const out: string[] = [
    `Reference:     ${terminalSafe(target)}`,
    `Digest:        ${d.digest}`,
    `Media type:    ${terminalSafe(d.mediaType)}`,
    `Kind:          ${d.kind}${d.artifactType ? ` (${terminalSafe(d.artifactType)})` : ''}`,
    `Config digest: ${d.configDigest ?? '-'}`,
    `Size:          ${formatBytes(d.size)} (${terminalSafe(d.sizeNote)})`,
    `Created:       ${d.created ?? 'unknown'} (${d.createdSource})`,
  ]
  if (d.platforms.length > 0) {
    out.push('Platforms:')
    for (const p of d.platforms) out.push(`  ${terminalSafe(formatPlatform(p)).padEnd(20)} ${p.digest}  ${formatBytes(p.size)}`)
    if (d.attestations > 0) out.push(`  (+${d.attestations} attestation manifest${d.attestations > 1 ? 's' : ''}, not counted)`)
  }
  if (inspection.layers.length > 0) {
    out.push('Layers:')
    for (const l of inspection.layers) out.push(`  ${l.digest}  ${formatBytes(l.size)}`)
  }
  const c = inspection.config
  if (c) {
    if (c.entrypoint) out.push(`Entrypoint:    ${terminalSafe(JSON.stringify(c.entrypoint))}`)
    if (c.cmd) out.push(`Cmd:           ${terminalSafe(JSON.stringify(c.cmd))}`)
    if (c.workingDir) out.push(`Workdir:       ${terminalSafe(c.workingDir)}`)
    if (c.user) out.push(`User:          ${terminalSafe(c.user)}`)
    if (c.env.length > 0) {
      out.push('Env:')
      for (const variable of c.env) out.push(`  ${terminalSafe(variable)}`)
    }
    const labels = Object.entries(c.labels)
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
  ctx.io.stdout(`${out.join('\n')}\n`)
}

const pullFormats: Record<string, string> = {
  docker: 'docker',
  'docker-digest': 'docker-digest',
  podman: 'podman',
  nerdctl: 'nerdctl',
  digest: 'digest-reference',
  reference: 'reference',
  from: 'from',
  'kubectl-secret': 'kubectl-secret',
}

export async function pullCmdCommand(ctx: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const format = ctx.string('format') ?? 'docker'
  const id = pullFormats[format]
  if (!id) throw new UsageError(`--format must be one of ${Object.keys(pullFormats).join(', ')}`)
  let digest = ref.digest
  // By-digest forms need the digest the tag points at right now.
  if (!digest && ['docker-digest', 'digest-reference', 'from'].includes(id)) {
    const session = await ctx.session(ref.registry)
    digest = await session.resolveTag(ref.repository, ref.tag ?? 'latest')
  }
  const commands = pullCommands({
    registryHost: ref.registry,
    repository: ref.repository,
    tag: ref.tag ?? (digest ? undefined : 'latest'),
    digest,
  })
  if (ctx.json) return printJson(ctx.io, commands)
  const chosen = commands.find((c) => c.id === id)
  if (!chosen) throw new UsageError(`no ${format} command for ${target}`)
  ctx.io.stdout(`${chosen.command}\n`)
}
