// The read-only commands: repos, tags, inspect, pull-cmd.
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import { formatBytes, formatPlatform } from '../../../shared/format'
import { compileTagFilter, sortTags } from '../../../shared/tag-sort'
import { pullCommands } from '../../../shared/pull-commands'
import { BerthError } from '../../../shared/errors'
import { loadTagDetails } from '../../operations/tag-details'
import { inspectReference } from '../../operations/inspect'
import { parseImageReference } from '../../http/reference'
import { shortDigest } from '../../http/digest'
import type { CliContext } from './cli-context'
import { endProgress, printJson, printTable, progress, sanitize, UsageError } from './cli-output'

export async function reposCommand(ctx: CliContext, registry: string): Promise<void> {
  const { client, profile } = await ctx.client(registry)
  const listing = await client.catalog()
  const repositories = [...new Set([...listing.repositories, ...(profile?.favorites ?? [])])].sort()
  if (ctx.json) return printJson(ctx.io, { ...listing, repositories })
  if (listing.catalog === 'unavailable') {
    ctx.io.stderr(`berth: ${sanitize(listing.reason ?? 'this registry offers no catalog')}\n`)
    ctx.io.stderr('  Add repositories by name in the app, or name one directly: berth tags <registry>/<repository>\n')
  }
  for (const name of repositories) ctx.io.stdout(`${sanitize(name)}\n`)
}

/** The documented `tags --details --json` row: stable, consumed by scripts. */
export interface TagRowJson {
  tag: string
  digest: string
  mediaType: string
  configDigest: string | null
  size: number | null
  created: string | null
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

  const { client } = await ctx.client(ref.registry)
  const all = await client.listTags(ref.repository)
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
    for (const r of sorted) ctx.io.stdout(`${sanitize(r.tag)}\n`)
    return
  }

  let done = 0
  const results = await loadTagDetails(client, ref.repository, tags, {
    cache: ctx.core().cache,
    concurrency: ctx.number('concurrency') ?? 16,
    onResult: () => progress(ctx.io, `details ${++done}/${tags.length}`),
  })
  endProgress(ctx.io)
  const failed = results.filter((r): r is Extract<TagDetailsResult, { ok: false }> => !r.ok)
  const rows = sortTags(
    results.filter((r): r is Extract<TagDetailsResult, { ok: true }> => r.ok).map((r) => ({ ...r.details })),
    sort as 'name' | 'semver' | 'date' | 'size',
    direction,
  )
  if (ctx.json) {
    printJson(ctx.io, rows.map(tagRowJson))
  } else {
    printTable(
      ctx.io,
      ['TAG', 'DIGEST', 'SIZE', 'CREATED', 'PLATFORMS', 'TYPE'],
      rows.map((d) => [
        sanitize(d.tag),
        shortDigest(d.digest),
        formatBytes(d.size),
        d.created ?? 'unknown',
        d.platforms.length > 0 ? d.platforms.map(formatPlatform).join(',') : d.platform ? formatPlatform(d.platform) : '-',
        d.kind === 'artifact' ? `artifact ${d.artifactType ?? ''}`.trim() : d.kind,
      ]),
    )
  }
  for (const f of failed) ctx.io.stderr(`berth: ${sanitize(f.tag)}: ${sanitize(f.error.message)}\n`)
  if (failed.length > 0) {
    throw new BerthError({
      code: failed[0]?.error.code ?? 'internal',
      message: `${failed.length} of ${tags.length} tags could not be read (listed above).`,
    })
  }
}

export async function inspectCommand(ctx: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const reference = ref.digest ?? ref.tag
  if (!reference) throw new UsageError('inspect takes <registry>/<repository>:<tag> or @<digest>')
  const { client } = await ctx.client(ref.registry)
  const inspection = await inspectReference(client, ref.repository, reference, { cache: ctx.core().cache })
  if (ctx.json) return printJson(ctx.io, inspection)
  const d = inspection.details
  const out: string[] = [
    `Reference:     ${sanitize(target)}`,
    `Digest:        ${d.digest}`,
    `Media type:    ${d.mediaType}`,
    `Kind:          ${d.kind}${d.artifactType ? ` (${sanitize(d.artifactType)})` : ''}`,
    `Config digest: ${d.configDigest ?? '-'}`,
    `Size:          ${formatBytes(d.size)} (${sanitize(d.sizeNote)})`,
    `Created:       ${d.created ?? 'unknown'} (${d.createdSource})`,
  ]
  if (d.platforms.length > 0) {
    out.push('Platforms:')
    for (const p of d.platforms) out.push(`  ${formatPlatform(p).padEnd(20)} ${p.digest}  ${formatBytes(p.size)}`)
    if (d.attestations > 0) out.push(`  (+${d.attestations} attestation manifest${d.attestations > 1 ? 's' : ''}, not counted)`)
  }
  if (inspection.layers.length > 0) {
    out.push('Layers:')
    for (const l of inspection.layers) out.push(`  ${l.digest}  ${formatBytes(l.size)}`)
  }
  const c = inspection.config
  if (c) {
    if (c.entrypoint) out.push(`Entrypoint:    ${sanitize(JSON.stringify(c.entrypoint))}`)
    if (c.cmd) out.push(`Cmd:           ${sanitize(JSON.stringify(c.cmd))}`)
    if (c.workingDir) out.push(`Workdir:       ${sanitize(c.workingDir)}`)
    if (c.user) out.push(`User:          ${sanitize(c.user)}`)
    if (c.env.length > 0) out.push('Env:', ...c.env.map((e) => `  ${sanitize(e)}`))
    const labels = Object.entries(c.labels)
    if (labels.length > 0) out.push('Labels:', ...labels.map(([k, v]) => `  ${sanitize(k)}=${sanitize(v)}`))
  }
  if (inspection.referrers.length > 0) {
    out.push(
      'Referrers:',
      ...inspection.referrers.map((r) => `  ${r.kind.padEnd(11)} ${r.digest} ${sanitize(r.artifactType ?? r.mediaType)}`),
    )
  }
  if (inspection.tagsSharingDigest.length > 0) out.push(`Tags on this digest: ${inspection.tagsSharingDigest.map(sanitize).join(', ')}`)
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
    const { client } = await ctx.client(ref.registry)
    const head = await client.headManifest(ref.repository, ref.tag ?? 'latest')
    digest = head.digest ?? (await client.getManifest(ref.repository, ref.tag ?? 'latest')).digest
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
