// Copy-paste commands for a tag or digest, shared by the renderer and the CLI. Values that came
// from a registry are shell-quoted when they need it; the kubectl line never carries a secret.

export type PullCommandId = 'docker' | 'docker-digest' | 'podman' | 'nerdctl' | 'reference' | 'digest-reference' | 'from' | 'kubectl-secret'

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
}

const shellSafe = /^[A-Za-z0-9@%+=:,./_-]+$/

/** POSIX single-quoting, only when the value has characters the shell would interpret. */
export function shellQuote(value: string): string {
  if (value.length > 0 && shellSafe.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function pullCommands(input: PullCommandInput): PullCommand[] {
  const name = `${input.registryHost}/${input.repository}`
  const byTag = input.tag ? `${name}:${input.tag}` : null
  const byDigest = input.digest ? `${name}@${input.digest}` : null
  // A bare name means :latest to every client; prefer the tag the user is looking at.
  const preferred = byTag ?? byDigest ?? name
  const quote = shellQuote

  const commands: PullCommand[] = [{ id: 'docker', label: 'Docker', command: `docker pull ${quote(preferred)}` }]
  if (byDigest) commands.push({ id: 'docker-digest', label: 'Docker (by digest)', command: `docker pull ${quote(byDigest)}` })
  commands.push(
    { id: 'podman', label: 'Podman', command: `podman pull ${quote(preferred)}` },
    { id: 'nerdctl', label: 'nerdctl', command: `nerdctl pull ${quote(preferred)}` },
    { id: 'reference', label: 'Reference', command: preferred },
  )
  if (byDigest) commands.push({ id: 'digest-reference', label: 'Reference (by digest)', command: byDigest })
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
