// The main-process half of "Use in CI / Kubernetes…": the real secret is read here (keychain, or a
// credential held for the dialog), formatted by shared/ci-auth.ts and written to the clipboard by
// main, which clears it after 60 s if it still holds that text (secret-clipboard.ts). The renderer
// gets names and usernames only. Without a clipboard (web mode) every real-value call is refused and
// the CLI is named instead; the CLI itself formats through the same helpers (doors/cli/ci-auth-command.ts).
import { BerthError } from '../../shared/errors'
import type { RegistryProfile } from '../../shared/types'
import { generateCiAuth } from '../../shared/ci-auth'
import { ciAuthFormatLabels, ciTargetFor, type CiAuthSecretFormat, type CiAuthTarget } from '../../shared/ci-auth-input'
import type { CiAuthInfo, CiCredentialChoice, CopiedCiAuth, CreatedDeployToken, HeldCiCredential } from '../../shared/ci-auth-api'
import type { GitlabDeployToken } from '../providers/gitlab/gitlab-rest'
import type { GitlabProvider } from '../providers/gitlab/gitlab-provider'
import type { EngineCore } from './engine'
import { providerOfSession, type RegistrySession } from './registry-session'
import { createSecretClipboard, type SecretClipboard } from './secret-clipboard'
import {
  ciCredentialAccount,
  createHeldCredentials,
  mustReadLoginCredential,
  readLoginCredential,
  readSavedCiCredential,
  saveCiCredential,
  type SecretCredential,
} from './ci-credentials'

export interface CopyCiAuthRequest {
  registryId: string
  format: CiAuthSecretFormat
  name: string
  namespace?: string | undefined
  credential: CiCredentialChoice
}

export interface DeployTokenInput {
  owner: { kind: 'project' | 'group'; path: string }
  name: string
  /** YYYY-MM-DD */
  expiresAt?: string | undefined
  username?: string | undefined
}

export interface CiAuthService {
  info(registryId: string): Promise<CiAuthInfo>
  hold(registryId: string, credential: SecretCredential, save: boolean): Promise<HeldCiCredential>
  createDeployToken(registryId: string, input: DeployTokenInput, save: boolean): Promise<CreatedDeployToken>
  copy(request: CopyCiAuthRequest): Promise<CopiedCiAuth>
  forgetHeld(credentialId: string): void
  forgetSaved(registryId: string): Promise<void>
  close(): Promise<void>
}

export const ciTargetOf = (profile: Pick<RegistryProfile, 'url' | 'kind'>): CiAuthTarget => ciTargetFor(profile.url, profile.kind)

/** The command a terminal user runs for the real values (named wherever the app cannot show them). */
export function ciAuthCliCommand(target: CiAuthTarget, format = 'kubectl'): string {
  return `berth ci-auth ${target.dockerHub ? 'docker.io' : target.host} --format ${format}`
}

/** GitLab's least-privilege pull credential: read_registry only (GitLab "Deploy tokens", scope table). */
export const deployTokenScopes = ['read_registry'] as const

/** Creates a GitLab deploy token through the session's provider; refuses other registries with the alternative. */
export async function createDeployTokenWith(
  session: RegistrySession,
  input: DeployTokenInput,
  now = new Date(),
): Promise<GitlabDeployToken> {
  const provider = providerOfSession(session)
  if (provider.kind !== 'gitlab') {
    throw new BerthError({
      code: 'unsupported',
      message: `Deploy tokens are GitLab's; ${session.registry} is not a GitLab registry profile.`,
      fix: 'Create a pull-only robot account or access token in that registry and paste it instead.',
    })
  }
  if (input.expiresAt !== undefined) checkExpiry(input.expiresAt, now)
  const request = {
    owner: input.owner,
    name: input.name,
    scopes: deployTokenScopes,
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    ...(input.username !== undefined && input.username !== '' ? { username: input.username } : {}),
  }
  return (provider as GitlabProvider).createDeployToken(request)
}

function checkExpiry(expiresAt: string, now: Date): void {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(expiresAt) ? new Date(`${expiresAt}T00:00:00Z`) : null
  if (day === null || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== expiresAt) {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${expiresAt.slice(0, 40)}" is not a date.`,
      fix: 'Write the expiry as YYYY-MM-DD.',
    })
  }
  // GitLab expires a token at midnight UTC of that day: today or earlier would be dead on arrival.
  if (expiresAt <= now.toISOString().slice(0, 10)) {
    throw new BerthError({
      code: 'invalid_input',
      message: `A deploy token expiring on ${expiresAt} would already be expired (tokens expire at midnight UTC).`,
      fix: 'Choose a later date, or none for a token that does not expire.',
    })
  }
}

export interface CiAuthServiceOptions {
  /** A fresh one per test; by default the engine's clipboard option, wrapped with the 60 s clear. */
  clipboard?: SecretClipboard | null
  now?: () => number
}

export function createCiAuthService(engine: EngineCore, options: CiAuthServiceOptions = {}): CiAuthService {
  const { profiles, secrets } = engine
  const port = engine.options.clipboard
  const clipboard: SecretClipboard | null =
    options.clipboard !== undefined ? options.clipboard : port ? createSecretClipboard({ clipboard: port }) : null
  const held = createHeldCredentials(options.now)

  function profileOf(registryId: string): RegistryProfile {
    const profile = profiles.get(registryId)
    if (!profile) throw new BerthError({ code: 'not_found', message: `No registry with id "${registryId}" is configured.` })
    return profile
  }

  /** Every real-value call checks this first: in web mode nothing secret is even accepted. */
  function requireClipboard(profile: RegistryProfile): SecretClipboard {
    if (clipboard !== null) return clipboard
    throw new BerthError({
      code: 'unsupported',
      message: 'Real secrets are copied only by the desktop app: web mode never sends one to a browser.',
      fix: `Use the variables form here, or run \`${ciAuthCliCommand(ciTargetOf(profile))}\` in a terminal.`,
    })
  }

  async function secretFor(profile: RegistryProfile, choice: CiCredentialChoice): Promise<SecretCredential> {
    if (choice.kind === 'held') return held.get(profile.id, choice.credentialId)
    if (choice.kind === 'login') return mustReadLoginCredential(secrets, profile)
    const saved = await readSavedCiCredential(secrets, profile.id)
    if (saved === null) {
      throw new BerthError({
        code: 'not_found',
        message: `No CI credential is saved for ${profile.name}.`,
        fix: 'Paste a deploy token or robot account and tick "Keep it in the keychain".',
      })
    }
    return saved
  }

  return {
    async info(registryId) {
      const profile = profileOf(registryId)
      const target = ciTargetOf(profile)
      // A locked keychain must not hide the dialog: it shows the variables form and says so on copy.
      const [login, saved] = await Promise.all([
        readLoginCredential(secrets, profile).catch(() => null),
        readSavedCiCredential(secrets, profile.id).catch(() => null),
      ])
      return {
        registryId,
        target,
        realValues:
          clipboard !== null
            ? { available: true }
            : {
                available: false,
                reason: 'Web mode never sends a real secret to a browser: only the variables form is offered here.',
                cli: ciAuthCliCommand(target),
              },
        login: login ? { username: login.username } : null,
        saved: saved ? { username: saved.username } : null,
        deployTokens: profile.kind === 'gitlab',
      }
    },
    async hold(registryId, credential, save) {
      const profile = profileOf(registryId)
      requireClipboard(profile)
      const { credentialId, expiresInSeconds } = held.hold(profile.id, credential)
      if (save) await saveCiCredential(secrets, profile.id, credential)
      return { credentialId, username: credential.username, saved: save, expiresInSeconds }
    },
    async createDeployToken(registryId, input, save) {
      const profile = profileOf(registryId)
      // Refused before GitLab is asked: a token created where it cannot be used would be lost.
      requireClipboard(profile)
      const token = await createDeployTokenWith(engine.session(registryId), input)
      const credential = { username: token.username, password: token.token }
      const { credentialId, expiresInSeconds } = held.hold(profile.id, credential)
      if (save) await saveCiCredential(secrets, profile.id, credential)
      return {
        credentialId,
        username: token.username,
        saved: save,
        expiresInSeconds,
        deployToken: { id: token.id, name: token.name, owner: input.owner, expiresAt: token.expiresAt, scopes: token.scopes },
      }
    },
    async copy(request) {
      const profile = profileOf(request.registryId)
      const target = requireClipboard(profile)
      const secret = await secretFor(profile, request.credential)
      const output = generateCiAuth({
        target: ciTargetOf(profile),
        format: request.format,
        name: request.name,
        namespace: request.namespace,
        credential: { kind: 'secret', username: secret.username, password: secret.password },
      })
      const { clearsAfterSeconds } = await target.copy(output.text)
      return { format: request.format, label: ciAuthFormatLabels[request.format], clearsAfterSeconds }
    },
    forgetHeld: (credentialId) => held.forget(credentialId),
    async forgetSaved(registryId) {
      await secrets.delete(ciCredentialAccount(profileOf(registryId).id))
    },
    async close() {
      held.clear()
      await clipboard?.dispose()
    },
  }
}
