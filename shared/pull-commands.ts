// Copy-paste commands for a tag or digest, shared by the renderer and the CLI, chosen by what the
// reference holds (shared/artifact-kind.ts): docker, podman, nerdctl and FROM only for images (docker
// cannot run a Helm chart or an SBOM), helm for charts, oras for every other artifact. Values that
// came from a registry are shell-quoted when they need it; the kubectl line never carries a secret.
import type { ArtifactInfo } from './artifact-kind'

export type PullCommandId =
  | 'docker'
  | 'docker-digest'
  | 'podman'
  | 'nerdctl'
  | 'reference'
  | 'digest-reference'
  | 'from'
  | 'kubectl-secret'
  | 'helm-pull'
  | 'helm-pull-digest'
  | 'helm-install'
  | 'helm-install-digest'
  | 'oras'
  | 'oras-digest'

export interface PullCommand {
  id: PullCommandId
  label: string
  command: string
}

export interface PullCommandInput {
  registryHost: string
  repository: string
  tag?: string
  digest?: string
  /** What the reference holds; null while unknown: only the plain references, no tool's command. */
  artifact: ArtifactInfo | null
  /** The registry answers in plain HTTP: helm and oras need `--plain-http` (docker decides for itself). */
  plainHttp?: boolean
}

/** The command ids that can fit each family of content (by-digest ones need the digest). */
export const pullCommandIds = {
  image: ['docker', 'docker-digest', 'podman', 'nerdctl', 'reference', 'digest-reference', 'from', 'kubectl-secret'],
  'helm-chart': ['helm-pull', 'helm-pull-digest', 'helm-install', 'helm-install-digest', 'reference', 'digest-reference'],
  artifact: ['oras', 'oras-digest', 'reference', 'digest-reference'],
  unknown: ['reference', 'digest-reference'],
} as const satisfies Record<string, readonly PullCommandId[]>

export type PullFamily = keyof typeof pullCommandIds

/** Images, Helm charts, and everything else (pulled as files with oras). */
export function pullFamilyOf(artifact: ArtifactInfo | null): PullFamily {
  if (artifact === null) return 'unknown'
  if (artifact.kind === 'image' || artifact.kind === 'helm-chart') return artifact.kind
  return 'artifact'
}

/** The ids whose command needs the digest (resolved first when only a tag is known). */
export const byDigestIds: readonly PullCommandId[] = [
  'docker-digest',
  'digest-reference',
  'from',
  'helm-pull-digest',
  'helm-install-digest',
  'oras-digest',
]

const shellSafe = /^[A-Za-z0-9@%+=:,./_-]+$/

/** POSIX single-quoting, only when the value has characters the shell would interpret. */
export function shellQuote(value: string): string {
  if (value.length > 0 && shellSafe.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}

// Masterminds/semver, which Helm parses `--version` with: an optional v, 1 to 3 numbers, a
// pre-release and build metadata. Anything else Helm reads as a constraint and fails to resolve.
const helmVersionPattern = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/

/**
 * The `--version` that makes Helm pull `tag`, or null when no version does. OCI tags cannot hold
 * `+`, so `helm push` writes it as `_` and `helm pull --version` turns it back (Helm's OCI docs).
 */
export function helmVersionForTag(tag: string): string | null {
  const version = tag.replaceAll('_', '+')
  return helmVersionPattern.test(version) ? version : null
}

/** A release name Helm accepts (a DNS-1123 label of at most 53 characters), from the chart's name. */
export function helmReleaseName(artifact: ArtifactInfo | null, repository: string): string {
  const chartName = artifact?.kind === 'helm-chart' ? artifact.name : null
  const source = chartName ?? repository.split('/').pop() ?? ''
  const name = source
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 53)
    .replace(/^-+|-+$/g, '')
  return name === '' ? 'release' : name
}

export function pullCommands(input: PullCommandInput): PullCommand[] {
  const name = `${input.registryHost}/${input.repository}`
  const byTag = input.tag ? `${name}:${input.tag}` : null
  const byDigest = input.digest ? `${name}@${input.digest}` : null
  // A bare name means :latest to every client; prefer the tag the user is looking at.
  const preferred = byTag ?? byDigest ?? name
  const references: PullCommand[] = [{ id: 'reference', label: 'Reference', command: preferred }]
  if (byDigest) references.push({ id: 'digest-reference', label: 'Reference (by digest)', command: byDigest })

  switch (pullFamilyOf(input.artifact)) {
    case 'image':
      return imageCommands(input, preferred, byDigest, references)
    case 'helm-chart':
      return [...helmCommands(input, name), ...references]
    case 'artifact':
      return [...orasCommands(input, preferred, byDigest), ...references]
    case 'unknown':
      return references
  }
}

function imageCommands(input: PullCommandInput, preferred: string, byDigest: string | null, references: PullCommand[]): PullCommand[] {
  const quote = shellQuote
  const commands: PullCommand[] = [{ id: 'docker', label: 'Docker', command: `docker pull ${quote(preferred)}` }]
  if (byDigest) commands.push({ id: 'docker-digest', label: 'Docker (by digest)', command: `docker pull ${quote(byDigest)}` })
  commands.push(
    { id: 'podman', label: 'Podman', command: `podman pull ${quote(preferred)}` },
    { id: 'nerdctl', label: 'nerdctl', command: `nerdctl pull ${quote(preferred)}` },
  )
  for (const reference of references) commands.push(reference)
  // Dockerfiles are not shell: FROM takes the reference verbatim. Pin by digest when known.
  commands.push({ id: 'from', label: 'Dockerfile FROM', command: `FROM ${byDigest ?? preferred}` })
  commands.push({
    id: 'kubectl-secret',
    label: 'Kubernetes pull secret',
    command:
      `kubectl create secret docker-registry regcred --docker-server=${quote(input.registryHost)} ` +
      '--docker-username=<username> --docker-password=<token>',
  })
  return commands
}

/**
 * Helm's OCI form: the chart's URL carries no tag, the version goes in `--version`; by digest the
 * URL ends in `@sha256:…` with no `--version` (Helm resolves the digest itself).
 */
function helmCommands(input: PullCommandInput, name: string): PullCommand[] {
  const quote = shellQuote
  const url = quote(`oci://${name}`)
  const plain = input.plainHttp ? ' --plain-http' : ''
  const release = helmReleaseName(input.artifact, input.repository)
  const version = input.tag ? helmVersionForTag(input.tag) : null
  const digestUrl = input.digest ? quote(`oci://${name}@${input.digest}`) : null
  const commands: PullCommand[] = []
  if (version !== null)
    commands.push({ id: 'helm-pull', label: 'Helm pull', command: `helm pull ${url} --version ${quote(version)}${plain}` })
  if (digestUrl !== null)
    commands.push({ id: 'helm-pull-digest', label: 'Helm pull (by digest)', command: `helm pull ${digestUrl}${plain}` })
  if (version !== null) {
    commands.push({
      id: 'helm-install',
      label: 'Helm install',
      command: `helm install ${release} ${url} --version ${quote(version)}${plain}`,
    })
  }
  if (digestUrl !== null) {
    commands.push({ id: 'helm-install-digest', label: 'Helm install (by digest)', command: `helm install ${release} ${digestUrl}${plain}` })
  }
  return commands
}

function orasCommands(input: PullCommandInput, preferred: string, byDigest: string | null): PullCommand[] {
  const plain = input.plainHttp ? ' --plain-http' : ''
  const commands: PullCommand[] = [{ id: 'oras', label: 'ORAS', command: `oras pull ${shellQuote(preferred)}${plain}` }]
  if (byDigest) commands.push({ id: 'oras-digest', label: 'ORAS (by digest)', command: `oras pull ${shellQuote(byDigest)}${plain}` })
  return commands
}

/**
 * Why no command of `id` fits, or null when one does: e.g. a Helm chart's tag that is no version
 * has no `helm pull --version` (only by digest).
 */
export function whyNoCommand(id: PullCommandId, artifact: ArtifactInfo | null, tag: string | undefined): string | null {
  const family = pullFamilyOf(artifact)
  if (!(pullCommandIds[family] as readonly PullCommandId[]).includes(id)) return 'does not fit'
  if ((id === 'helm-pull' || id === 'helm-install') && (tag === undefined || helmVersionForTag(tag) === null)) {
    return tag === undefined ? 'needs a tag' : `helm pulls a chart by version, and the tag ${tag} is not one`
  }
  return null
}
