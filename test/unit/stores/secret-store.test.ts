import { describe, expect, it } from 'vitest'
import { isBerthError } from '../../../shared/errors'
import type { RegistryProfile } from '../../../shared/types'
import { credentialSourceFor } from '../../../electron/stores/secrets/credential-source'
import { createMemorySecretStore, refreshAccount } from '../../../electron/stores/secrets/secret-store'

const profile: RegistryProfile = {
  id: 'r-example-com',
  name: 'r.example.com',
  url: 'https://r.example.com',
  kind: 'distribution',
  username: 'alice',
  authMode: 'auto',
  insecure: false,
  favorites: [],
}

describe('in-memory secret store', () => {
  it('sets, gets and deletes secrets by account', async () => {
    const store = createMemorySecretStore()
    expect(await store.get('a')).toBeNull()
    await store.set('a', 's3cret')
    expect(await store.get('a')).toBe('s3cret')
    expect(await store.delete('a')).toBe(true)
    expect(await store.delete('a')).toBe(false)
    expect(await store.get('a')).toBeNull()
  })

  it('keeps the refresh token under its own account', async () => {
    const store = createMemorySecretStore()
    await store.set(refreshAccount(profile.id), 'rt')
    expect(await store.get(profile.id)).toBeNull()
    expect(refreshAccount(profile.id)).toBe('r-example-com:refresh')
  })
})

describe('credentialSourceFor', () => {
  it('is anonymous when nothing is stored', async () => {
    expect(await credentialSourceFor(profile, createMemorySecretStore())()).toBeNull()
  })

  it('offers the stored password as Basic credentials with the profile username', async () => {
    const store = createMemorySecretStore({ [profile.id]: 'pw' })
    expect(await credentialSourceFor(profile, store)()).toEqual({ kind: 'basic', username: 'alice', password: 'pw' })
  })

  it('prefers a stored refresh token over the password', async () => {
    const store = createMemorySecretStore({ [profile.id]: 'pw', [refreshAccount(profile.id)]: 'rt' })
    expect(await credentialSourceFor(profile, store)()).toEqual({ kind: 'refresh_token', username: 'alice', refreshToken: 'rt' })
  })

  it('lets per-call credentials win over the keychain, without reading it', async () => {
    const reads: string[] = []
    const store = createMemorySecretStore({ [profile.id]: 'pw' })
    const spying = { ...store, get: (account: string) => (reads.push(account), store.get(account)) }
    const perCall = { kind: 'basic' as const, username: 'bob', password: 'once' }
    expect(await credentialSourceFor(profile, spying, perCall)()).toEqual(perCall)
    expect(reads).toEqual([])
  })

  it('never offers credentials for a profile set to anonymous', async () => {
    const store = createMemorySecretStore({ [profile.id]: 'pw' })
    expect(await credentialSourceFor({ ...profile, authMode: 'anonymous' }, store)()).toBeNull()
  })

  it('says so when a password is stored without a username', async () => {
    const store = createMemorySecretStore({ [profile.id]: 'pw' })
    const { username: _omit, ...withoutUser } = profile
    let caught: unknown
    try {
      await credentialSourceFor(withoutUser, store)()
    } catch (error) {
      caught = error
    }
    expect(isBerthError(caught) && caught.code).toBe('unauthorized')
  })

  it('reads the keychain lazily, on every challenge, so a later login is picked up', async () => {
    const store = createMemorySecretStore()
    const source = credentialSourceFor(profile, store)
    expect(await source()).toBeNull()
    await store.set(profile.id, 'later')
    expect(await source()).toEqual({ kind: 'basic', username: 'alice', password: 'later' })
  })
})
