// The shapes the CI / Kubernetes credentials dialog and main exchange (shared/ipc.ts): names,
// usernames and what can be done; never a password or token. The real secret is assembled into
// text and put on the clipboard by main (electron/session/ci-auth-service.ts).
import type { CiAuthSecretFormat, CiAuthTarget } from './ci-auth-input'

export interface CiAuthInfo {
  registryId: string
  target: CiAuthTarget
  /** Real values are copied only where main owns a clipboard: the desktop app, never web mode. */
  realValues: { available: true } | { available: false; reason: string; cli: string }
  /** The profile's own login, when it is a username and password or token a pull secret can carry. */
  login: { username: string } | null
  /** A CI credential the user chose to keep in the keychain for this registry. */
  saved: { username: string } | null
  /** GitLab: a deploy token can be created here with the signed-in user's token (api scope). */
  deployTokens: boolean
}

/** A credential main holds in memory for this dialog (pasted or just created): only its username crosses. */
export interface HeldCiCredential {
  credentialId: string
  username: string
  /** Also stored in the keychain as this registry's CI credential (the user asked). */
  saved: boolean
  /** Forgotten after this long, or when the dialog closes. */
  expiresInSeconds: number
}

export interface CreatedDeployToken extends HeldCiCredential {
  deployToken: {
    id: number
    name: string
    owner: { kind: 'project' | 'group'; path: string }
    expiresAt: string | null
    scopes: string[]
  }
}

/** Which secret the copied text carries. */
export type CiCredentialChoice = { kind: 'login' } | { kind: 'saved' } | { kind: 'held'; credentialId: string }

export interface CopiedCiAuth {
  format: CiAuthSecretFormat
  label: string
  /** The clipboard is cleared after this many seconds if it still holds the text. */
  clearsAfterSeconds: number
}

/** The least-privilege advice the dialog and the README give, in one place. */
export const leastPrivilegeAdvice = [
  'For pulls, use a deploy token with only the read_registry scope (GitLab), or a pull-only robot account: ' +
    'it is not tied to a person, reads the registry and nothing else, and can be revoked on its own.',
  'Not a personal access token: it acts as you wherever your account reaches, and stops working when you leave or rotate it.',
  'CI_JOB_TOKEN exists for jobs pulling from the same GitLab: it lives only while the job runs, with the rights of the user ' +
    'who started it. Right for a job, wrong for a cluster that pulls long after the job ended.',
] as const
