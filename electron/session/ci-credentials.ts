// The secrets CI / Kubernetes outputs carry, resolved in main only: the profile's own login, a CI
// credential the user chose to keep (keychain account `<profile id>:ci-pull`), or one held in memory
// for a dialog (a pasted deploy token or robot account, or a deploy token just created). Held ones
// are never written anywhere and expire; nothing here logs a value.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import type { RegistryProfile } from '../../shared/types'
import { checkSecretCredential } from '../../shared/ci-auth-input'
import { refreshAccount, type SecretStore } from '../stores/secrets/secret-store'

export interface SecretCredential {
  username: string
  password: string
}

export const ciCredentialAccount = (profileId: string): string => `${profileId}:ci-pull`

const savedSchema = z.object({ username: z.string().min(1), password: z.string().min(1) })

/** The CI credential kept for this registry, or null. A damaged entry reads as none. */
export async function readSavedCiCredential(secrets: SecretStore, profileId: string): Promise<SecretCredential | null> {
  const stored = await secrets.get(ciCredentialAccount(profileId))
  if (stored === null) return null
  try {
    const parsed = savedSchema.safeParse(JSON.parse(stored))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export async function saveCiCredential(secrets: SecretStore, profileId: string, credential: SecretCredential): Promise<void> {
  checkSecretCredential(credential.username, credential.password)
  await secrets.set(ciCredentialAccount(profileId), JSON.stringify({ username: credential.username, password: credential.password }))
}

/**
 * The profile's login as a pull secret can carry it: a username and a password or token. A login that
 * is only an OAuth refresh token (or docker's identity token) cannot go into a dockerconfigjson.
 */
export async function readLoginCredential(secrets: SecretStore, profile: RegistryProfile): Promise<SecretCredential | null> {
  if (profile.authMode === 'anonymous' || !profile.username) return null
  const password = await secrets.get(profile.id)
  return password === null ? null : { username: profile.username, password }
}

export async function mustReadLoginCredential(secrets: SecretStore, profile: RegistryProfile): Promise<SecretCredential> {
  const login = await readLoginCredential(secrets, profile)
  if (login !== null) return login
  const onlyRefresh = (await secrets.get(refreshAccount(profile.id))) !== null
  throw new BerthError({
    code: 'unauthorized',
    message: onlyRefresh
      ? `${profile.name} is signed in with a refresh token, which a pull secret cannot carry.`
      : `${profile.name} has no saved username and password or token.`,
    fix: 'Paste a deploy token or robot account for this purpose, or create a GitLab deploy token with read_registry.',
  })
}

export interface HeldCredentials {
  hold(registryId: string, credential: SecretCredential): { credentialId: string; expiresInSeconds: number }
  /** The credential, if still held for this registry. */
  get(registryId: string, credentialId: string): SecretCredential
  forget(credentialId: string): void
  clear(): void
}

export const heldCredentialTtlMs = 15 * 60_000
const maxHeld = 20

/** Credentials held in memory for a dialog: at most 20, each for 15 minutes, for one registry. */
export function createHeldCredentials(now: () => number = Date.now): HeldCredentials {
  const held = new Map<string, { registryId: string; credential: SecretCredential; expires: number }>()
  const sweep = () => {
    for (const [id, entry] of held) if (entry.expires <= now()) held.delete(id)
  }
  return {
    hold(registryId, credential) {
      checkSecretCredential(credential.username, credential.password)
      sweep()
      // The oldest goes first when a window keeps pasting: memory stays bounded.
      while (held.size >= maxHeld) held.delete(held.keys().next().value ?? '')
      const credentialId = `cred-${randomBytes(12).toString('hex')}`
      held.set(credentialId, { registryId, credential: { ...credential }, expires: now() + heldCredentialTtlMs })
      return { credentialId, expiresInSeconds: heldCredentialTtlMs / 1000 }
    },
    get(registryId, credentialId) {
      sweep()
      const entry = held.get(credentialId)
      if (entry === undefined || entry.registryId !== registryId) {
        throw new BerthError({
          code: 'not_found',
          message: 'That pasted or created credential is no longer held (Berth forgets it after 15 minutes or when the dialog closes).',
          fix: 'Paste it again, or choose another credential.',
        })
      }
      return entry.credential
    },
    forget: (credentialId) => void held.delete(credentialId),
    clear: () => held.clear(),
  }
}
