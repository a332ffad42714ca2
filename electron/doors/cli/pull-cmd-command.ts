// `berth pull-cmd`: the command that pulls a tag or digest with the tool that fits what it holds —
// docker/podman/nerdctl for images, helm for charts, oras for SBOMs, WebAssembly and other artifacts.
// The registry is asked what the reference holds, unless --kind says it (then nothing is asked but a
// digest a by-digest format needs).
import { artifactKinds, artifactLabel, artifactOfDetails, type ArtifactInfo, type ArtifactKind } from '../../../shared/artifact-kind'
import { BerthError } from '../../../shared/errors'
import {
  byDigestIds,
  helmVersionForTag,
  pullCommandIds,
  pullCommands,
  pullFamilyOf,
  whyNoCommand,
  type PullCommandId,
} from '../../../shared/pull-commands'
import type { TagDetails } from '../../../shared/types'
import { parseImageReference } from '../../http/reference'
import type { RegistrySession } from '../../session/registry-session'
import type { CliContext } from './cli-context'
import { printJson, terminalSafe, UsageError } from './cli-output'

/** `--format` names: the command ids, but `digest` for the by-digest reference (its name before ids). */
const formatIds: Record<string, PullCommandId> = {
  docker: 'docker',
  'docker-digest': 'docker-digest',
  podman: 'podman',
  nerdctl: 'nerdctl',
  digest: 'digest-reference',
  reference: 'reference',
  from: 'from',
  'kubectl-secret': 'kubectl-secret',
  'helm-pull': 'helm-pull',
  'helm-pull-digest': 'helm-pull-digest',
  'helm-install': 'helm-install',
  'helm-install-digest': 'helm-install-digest',
  oras: 'oras',
  'oras-digest': 'oras-digest',
}

export const pullFormats = Object.keys(formatIds)

function formatOf(id: PullCommandId): string {
  return Object.entries(formatIds).find(([, value]) => value === id)?.[0] ?? id
}

/** What --kind says, as the commands need it (a chart's name and version then come from the reference). */
function declaredKind(kind: ArtifactKind): ArtifactInfo {
  switch (kind) {
    case 'image':
    case 'wasm':
      return { kind }
    case 'helm-chart':
      return { kind, name: null, version: null, appVersion: null }
    case 'sbom':
      return { kind, format: null }
    case 'attestation':
      return { kind, predicateType: null, subject: null }
    case 'signature':
      return { kind, format: 'cosign', subject: null }
    case 'artifact':
      return { kind, artifactType: null }
  }
}

function describeRow(target: string, artifact: ArtifactInfo | null): string {
  return `${terminalSafe(target)} (${artifact === null ? 'content Berth could not recognise' : terminalSafe(artifactLabel(artifact))})`
}

/** The registry's details of `reference`; a row its own API gave without the kind is read again by digest. */
async function describe(session: RegistrySession, repository: string, reference: string): Promise<TagDetails> {
  const read = async (name: string): Promise<TagDetails> => {
    const [row] = await session.getTagDetails(repository, [name], { persist: 'await' })
    if (row === undefined) throw new BerthError({ code: 'not_found', message: `${repository} has no ${name}.` })
    if (!row.ok) throw new BerthError(row.error)
    return row.details
  }
  const details = await read(reference)
  return artifactOfDetails(details) === null && details.digest !== reference ? read(details.digest) : details
}

export async function pullCmdCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const format = context.string('format')
  const kindOption = context.string('kind')
  if (format !== undefined && formatIds[format] === undefined) throw new UsageError(`--format must be one of ${pullFormats.join(', ')}`)
  if (kindOption !== undefined && !(artifactKinds as readonly string[]).includes(kindOption)) {
    throw new UsageError(`--kind must be one of ${artifactKinds.join(', ')}`)
  }
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest')
  const reference = ref.digest ?? tag ?? 'latest'

  let digest = ref.digest
  let artifact: ArtifactInfo | null
  let plainHttp = false
  let session: RegistrySession | null = null
  if (kindOption !== undefined) {
    artifact = declaredKind(kindOption as ArtifactKind)
  } else {
    session = await context.session(ref.registry)
    const details = await describe(session, ref.repository, reference)
    artifact = artifactOfDetails(details)
    digest = details.digest
  }

  const family = pullFamilyOf(artifact)
  const id = format !== undefined ? (formatIds[format] as PullCommandId) : defaultFormat(family, tag)
  const why = whyNoCommand(id, artifact, tag)
  if (why !== null) {
    const fitting = pullCommandIds[family].filter((candidate) => whyNoCommand(candidate, artifact, tag) === null).map(formatOf)
    const reason =
      why === 'does not fit' ? `--format ${formatOf(id)} does not fit ${describeRow(target, artifact)}` : `--format ${formatOf(id)}: ${why}`
    const hint = artifact === null ? '; pass --kind if you know what it holds' : ''
    throw new UsageError(`${reason}: use ${fitting.join(', ')}${hint}`)
  }
  // By-digest forms need the digest the tag points at right now (already known once the registry was asked).
  if (digest === undefined && byDigestIds.includes(id)) {
    session ??= await context.session(ref.registry)
    digest = await session.resolveTag(ref.repository, tag ?? 'latest')
  }
  if (session !== null) plainHttp = session.url.startsWith('http:')

  const commands = pullCommands({
    registryHost: ref.registry,
    repository: ref.repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    artifact,
    plainHttp,
  })
  if (context.json) return printJson(context.io, commands)
  const chosen = commands.find((c) => c.id === id)
  if (!chosen) throw new UsageError(`no ${formatOf(id)} command for ${terminalSafe(target)}`)
  context.io.stdout(`${chosen.command}\n`)
}

/** Without --format: the family's first command (by digest for a chart whose tag is no version). */
function defaultFormat(family: ReturnType<typeof pullFamilyOf>, tag: string | undefined): PullCommandId {
  switch (family) {
    case 'image':
      return 'docker'
    case 'helm-chart':
      return tag !== undefined && helmVersionForTag(tag) !== null ? 'helm-pull' : 'helm-pull-digest'
    case 'artifact':
      return 'oras'
    case 'unknown':
      return 'reference'
  }
}
