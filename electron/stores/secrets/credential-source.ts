// Turns a profile + the keychain into what the transport asks for when a registry challenges.
// Read lazily (only on a 401), so browsing an open registry never touches the keychain.
import { BerthError } from '../../../shared/errors'
import type { RegistryProfile } from '../../../shared/types'
import type { CredentialSource, RegistryCredential } from '../../http/client-types'
import { refreshAccount, type SecretStore } from './secret-store'

/**
 * Per-call credentials (CLI `--username --password-stdin`) win; else the keychain: a stored
 * refresh token (OAuth2 offline token or docker's identitytoken) before a password, because it is
 * what the token server handed out last; else null = anonymous.
 */
export function credentialSourceFor(profile: RegistryProfile, store: SecretStore, perCall?: RegistryCredential | null): CredentialSource {
  return async () => {
    if (perCall) return perCall
    if (profile.authMode === 'anonymous') return null
    const refreshToken = await store.get(refreshAccount(profile.id))
    if (refreshToken !== null) {
      return profile.username === undefined
        ? { kind: 'refresh_token', refreshToken }
        : { kind: 'refresh_token', username: profile.username, refreshToken }
    }
    const password = await store.get(profile.id)
    if (password === null) return null
    if (profile.username === undefined || profile.username.length === 0) {
      throw new BerthError({
        code: 'unauthorized',
        message: `A secret is stored for ${profile.name} but no username is set.`,
        fix: 'Log in again with a username (any non-empty name for registries that only check the token).',
      })
    }
    return { kind: 'basic', username: profile.username, password }
  }
}
