// `berth ci-auth REGISTRY --format …`: the CLI half of "Use in CI / Kubernetes…", and the way to the
// real values wherever the app shows only variables (web mode). The same generators as the app
// (shared/ci-auth.ts) and the same credential sources as main (session/ci-credentials.ts). It prints
// to stdout and writes nothing to disk; a real secret goes to a terminal only with --show-secret.
import { BerthError } from '../../../shared/errors'
import { generateCiAuth } from '../../../shared/ci-auth'
import {
  ciAuthFormats,
  ciTargetFor,
  defaultSecretName,
  dockerConfigKey,
  isSecretFormat,
  podmanAuthKey,
  type CiAuthFormat,
  type CiCredential,
} from '../../../shared/ci-auth-input'
import type { RegistryProfile } from '../../../shared/types'
import { parseRegistryAddress } from '../../http/reference'
import { sanitizeForMessage } from '../../http/sanitize'
import { createDeployTokenWith, type DeployTokenInput } from '../../session/ci-auth-service'
import { mustReadLoginCredential, readSavedCiCredential, saveCiCredential, type SecretCredential } from '../../session/ci-credentials'
import type { CliContext } from './cli-context'
import { printJson, terminalSafe, UsageError } from './cli-output'

export async function ciAuthCommand(context: CliContext, registry: string): Promise<void> {
  const format = formatOf(context.string('format'))
  const placeholders = context.flag('placeholders')
  const carriesSecret = isSecretFormat(format) && !placeholders
  const deployToken = deployTokenOf(context)
  if (deployToken !== null && !carriesSecret) {
    throw new UsageError(
      placeholders
        ? '--create-deploy-token and --placeholders contradict each other: the new token would never be shown'
        : `--format ${format} holds no secret, so a new deploy token would never be shown: ` +
            'use kubectl, secret-yaml, docker-auth-config, docker-login or podman-auth',
    )
  }
  // Checked before the keychain is read or GitLab creates a token that would then be lost.
  if (carriesSecret && context.io.stdoutIsTty !== false && !context.flag('show-secret')) {
    throw new UsageError(
      'this prints a real secret and standard output is a terminal: pipe or redirect it (e.g. `| kubectl apply -f -`), ' +
        'pass --show-secret to print it anyway, or --placeholders for variables',
    )
  }
  if (context.flag('save-credential') && !carriesSecret)
    throw new UsageError('--save-credential needs a real credential (not --placeholders)')

  const core = context.core()
  const endpoint = parseRegistryAddress(registry, { insecure: true })
  const profile = core.profiles.findByHost(endpoint.host) ?? null
  const target = ciTargetFor(profile?.url ?? registry, profile?.kind)
  const image = await imageOf(context, registry)

  let credential: CiCredential = { kind: 'variables' }
  if (carriesSecret) {
    const secret = deployToken ? await createToken(context, registry, deployToken) : await secretOf(context, profile)
    if (context.flag('save-credential')) {
      if (profile === null)
        throw new UsageError(`--save-credential keeps it with a saved registry, and ${endpoint.host} has none: add it with berth login`)
      await saveCiCredential(core.secrets, profile.id, secret)
      context.io.stderr(
        `berth: kept this credential (${terminalSafe(secret.username)}) in the keychain as ${terminalSafe(profile.name)}'s CI credential\n`,
      )
    }
    credential = { kind: 'secret', ...secret }
  }
  const output = generateCiAuth({
    target,
    format,
    name: context.string('name') ?? defaultSecretName(target),
    namespace: context.string('namespace'),
    image,
    credential,
  })
  if (context.json) {
    printJson(context.io, {
      format,
      label: output.label,
      server: format === 'podman-auth' ? podmanAuthKey(target) : dockerConfigKey(target),
      containsSecret: output.containsSecret,
      text: output.text,
    })
    return
  }
  context.io.stdout(output.text.endsWith('\n') ? output.text : `${output.text}\n`)
}

function formatOf(value: string | undefined): CiAuthFormat {
  if (value === undefined) throw new UsageError(`ci-auth needs --format: one of ${ciAuthFormats.join(', ')}`)
  if (!(ciAuthFormats as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${ciAuthFormats.join(', ')}`)
  return value as CiAuthFormat
}

function deployTokenOf(context: CliContext): DeployTokenInput | null {
  const owner = context.string('create-deploy-token')
  if (owner === undefined) {
    for (const flag of ['token-name', 'expires'])
      if (context.string(flag) !== undefined) throw new UsageError(`--${flag} goes with --create-deploy-token`)
    return null
  }
  const match = /^(project|group):(.+)$/.exec(owner)
  if (!match?.[1] || !match[2])
    throw new UsageError('--create-deploy-token takes project:GROUP/PROJECT or group:GROUP (a path or numeric id)')
  const today = new Date().toISOString().slice(0, 10)
  return {
    owner: { kind: match[1] as 'project' | 'group', path: match[2] },
    name: context.string('token-name') ?? `berth-pull-${today}`,
    expiresAt: context.string('expires'),
  }
}

async function createToken(context: CliContext, registry: string, input: DeployTokenInput): Promise<SecretCredential> {
  const token = await createDeployTokenWith(await context.session(registry), input)
  // GitLab shows the token once: it is in the output (stdout) and nowhere else.
  context.io.stderr(
    `berth: created deploy token "${terminalSafe(token.name)}" (id ${token.id}) ` +
      `for ${input.owner.kind} ${terminalSafe(input.owner.path)}: user ${terminalSafe(token.username)}, ` +
      `scopes ${token.scopes.join(',')}, ${token.expiresAt ? `expires ${token.expiresAt.slice(0, 10)}` : 'never expires'}. ` +
      'GitLab shows the token only now: it is in the output, and Berth has not stored it ' +
      '(--save-credential keeps it in the keychain).\n',
  )
  return { username: token.username, password: token.token }
}

/** --username/--password-stdin, else the saved CI credential, else the profile's login (or --credential). */
async function secretOf(context: CliContext, profile: RegistryProfile | null): Promise<SecretCredential> {
  const pasted = await context.stdinSecret()
  const username = context.string('username')
  if (pasted !== null) {
    if (!username) throw new UsageError('--password-stdin needs --username (the deploy token or robot account user)')
    return { username, password: pasted }
  }
  if (username)
    throw new UsageError('--username needs --password-stdin (the secret is read from standard input, never from the command line)')
  const choice = context.string('credential')
  if (choice !== undefined && choice !== 'login' && choice !== 'saved') throw new UsageError('--credential must be login or saved')
  if (profile === null) {
    throw new BerthError({
      code: 'unauthorized',
      message: 'No saved registry for this address, so no credential to put in the output.',
      fix: 'Pipe a deploy token or robot account: --username U --password-stdin; or use --placeholders.',
    })
  }
  const { secrets } = context.core()
  if (choice !== 'login') {
    const saved = await readSavedCiCredential(secrets, profile.id)
    if (saved !== null) return saved
    if (choice === 'saved') {
      throw new BerthError({
        code: 'not_found',
        message: `No CI credential is kept for ${profile.name}.`,
        fix: 'Keep one with --username U --password-stdin --save-credential, or use --credential login.',
      })
    }
  }
  return mustReadLoginCredential(secrets, profile)
}

/** The image by the digest the registry serves now (the manifest is fetched and its digest checked). */
async function imageOf(context: CliContext, registry: string): Promise<{ repository: string; digest: string } | undefined> {
  const given = context.string('image')
  if (given === undefined) return undefined
  const match = /^([^:@\s]+)(?::([^@\s]+))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(given.trim())
  if (!match?.[1]) {
    throw new UsageError(`--image takes REPOSITORY[:TAG|@DIGEST] on this registry, not "${sanitizeForMessage(given, 120)}"`)
  }
  const repository = match[1]
  const session = await context.session(registry)
  const inspection = await session.inspect(repository, match[3] ?? match[2] ?? 'latest')
  return { repository, digest: inspection.details.digest }
}
