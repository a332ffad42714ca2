// Adding or editing a registry, checked before anything is saved (issue: "Berth checks the
// registry before saving"): the registry is signed in to with the trust the user chose and the
// credentials given (or stored) — refused credentials are an error and nothing changes; GitLab
// tokens are also checked against GitLab's API. Only then are the profile, the trust and the
// secret saved, and a secret the keychain refuses takes the profile back with it.
import { BerthError } from '../../shared/errors'
import type { ApiRequests, ProfileInput } from '../../shared/ipc'
import type { ConnectResult, GitlabTokenReport } from '../../shared/registry-setup'
import type { RegistryProfile } from '../../shared/types'
import type { RegistryCredential, TlsTrust } from '../http/client-types'
import { parseRegistryAddress } from '../http/reference'
import { createRegistryClient } from '../http/registry-client'
import { instanceUrlFromRealm } from '../providers/gitlab/gitlab-provider'
import { checkGitlabToken } from '../providers/gitlab/gitlab-token-check'
import { detectRegistryKind, type ProfilePatch, type ProfileStore } from '../stores/profiles/profile-store'
import { resolveTrust } from '../stores/profiles/profile-trust'
import { credentialSourceFor } from '../stores/secrets/credential-source'
import { refreshAccount, type SecretStore } from '../stores/secrets/secret-store'
import type { EngineCore } from './engine'
import { candidateProfile } from './registry-probe'

export interface ConnectDeps {
  profiles: ProfileStore
  secrets: SecretStore
  certsDirs?: string[]
  /** Drops the registry's session: its profile, trust or credentials changed. */
  forget(registryId: string): Promise<void>
}

/** What connectRegistry needs of the engine. */
export function connectDepsOf(engine: EngineCore): ConnectDeps {
  return {
    profiles: engine.profiles,
    secrets: engine.secrets,
    forget: (id) => engine.forget(id),
    ...(engine.options.certsDirs ? { certsDirs: engine.options.certsDirs } : {}),
  }
}

export interface ConnectOptions {
  /** CAs trusted for this check only (the CLI's --ca): used, never saved. */
  callCaPems?: string[]
}

/** Every optional field written out, so an update puts the profile back exactly as it was. */
function restorePatch(profile: RegistryProfile): ProfilePatch {
  return {
    ...profile,
    username: profile.username ?? null,
    caPem: profile.caPem ?? null,
    pinnedFingerprint: profile.pinnedFingerprint ?? null,
    gitlabUrl: profile.gitlabUrl ?? null,
    hostPins: profile.hostPins ?? null,
  }
}

function refusedError(error: BerthError, host: string, credential: RegistryCredential | null): BerthError {
  if (credential === null) {
    return new BerthError(
      {
        ...error.data,
        message: `${host} needs a sign-in: it does not let anyone in anonymously (HTTP ${error.data.status ?? 401}).`,
        fix: 'Enter a username and a password or access token for this registry. Nothing was saved.',
      },
      { cause: error },
    )
  }
  // errorFromResponse names who answered and what the registry said: keep those, drop the request line.
  const answeredBy = /^(\S+) answered \d+ to /.exec(error.message)?.[1]
  const said = /\(the registry says: (.*)\)$/.exec(error.message)?.[1]
  const status = `HTTP ${error.data.status ?? 401}${said ? `: ${said}` : ''}`
  const message =
    answeredBy === undefined
      ? `${host} refused these credentials: ${error.message}`
      : answeredBy === host
        ? `${host} refused these credentials (${status}).`
        : `${host} refused these credentials: its token server ${answeredBy} answered ${status}.`
  return new BerthError(
    { ...error.data, message, fix: 'Check the username and the password or token (its scopes, its expiry). Nothing was saved.' },
    { cause: error },
  )
}

/** GitLab's API is asked with the instance's own trust: the registry's pin binds the registry's host, not the instance. */
function instanceTrust(trust: TlsTrust, registryUrl: string, instanceUrl: string): TlsTrust {
  if (new URL(registryUrl).host === new URL(instanceUrl).host) return trust
  return {
    caPems: trust.caPems,
    ...(trust.hostPins ? { hostPins: trust.hostPins } : {}),
    ...(trust.clientCert ? { clientCert: trust.clientCert } : {}),
  }
}

export async function connectRegistry(
  deps: ConnectDeps,
  request: ApiRequests['connectRegistry'],
  options: ConnectOptions = {},
): Promise<Omit<ConnectResult, 'view'> & { profile: RegistryProfile }> {
  const input: ProfileInput = request.profile
  const existing = input.id === undefined ? undefined : deps.profiles.get(input.id)
  if (input.id !== undefined && existing === undefined) {
    throw new BerthError({ code: 'not_found', message: `No registry with id "${input.id}" is configured.`, fix: 'Add the registry first.' })
  }
  const insecure = input.insecure ?? false
  const endpoint = parseRegistryAddress(input.url, { insecure })
  const username = request.credential?.username ?? input.username
  const candidate: RegistryProfile = {
    ...candidateProfile(existing, endpoint.url, insecure, request.trust),
    ...(username !== undefined && username !== '' ? { username } : {}),
  }
  const resolved = resolveTrust(candidate, deps.certsDirs ? { certsDirs: deps.certsDirs } : {})
  const trust: TlsTrust = { ...resolved, caPems: [...resolved.caPems, ...(options.callCaPems ?? [])] }
  // The credential is read once, so the check and the result say the same thing.
  const credential: RegistryCredential | null = request.credential
    ? { kind: 'basic', username: request.credential.username, password: request.credential.secret }
    : existing
      ? await credentialSourceFor(candidate, deps.secrets)()
      : null

  const client = createRegistryClient({ endpoint, trust, credentials: () => Promise.resolve(credential) })
  let ping: Awaited<ReturnType<typeof client.ping>>
  try {
    ping = await client.ping({ signIn: true })
  } catch (error) {
    if (error instanceof BerthError && (error.code === 'unauthorized' || error.code === 'forbidden')) {
      throw refusedError(error, endpoint.host, credential)
    }
    throw error
  } finally {
    await client.close()
  }
  const detected = detectRegistryKind({ headers: ping.headers, realm: ping.realm, service: ping.service }, endpoint.url)
  const kind = input.gitlabUrl ? 'gitlab' : (input.kind ?? (detected === 'generic' ? (existing?.kind ?? detected) : detected))

  let gitlab: GitlabTokenReport | undefined
  if (kind === 'gitlab' && credential?.kind === 'basic') {
    const instanceUrl = input.gitlabUrl ?? existing?.gitlabUrl ?? (ping.realm ? instanceUrlFromRealm(ping.realm) : null) ?? endpoint.url
    gitlab = await checkGitlabToken({
      instanceUrl,
      trust: instanceTrust(trust, endpoint.url, instanceUrl),
      insecure,
      username: credential.username,
      secret: credential.password,
    })
  }

  const fields: ProfilePatch = {
    name: input.name,
    url: endpoint.url,
    kind,
    authMode: input.authMode ?? existing?.authMode ?? 'auto',
    insecure,
    favorites: input.favorites ?? existing?.favorites ?? [],
    username: username !== undefined && username !== '' ? username : null,
    gitlabUrl: input.gitlabUrl ?? null,
    caPem: candidate.caPem ?? null,
    pinnedFingerprint: candidate.pinnedFingerprint ?? null,
    hostPins: candidate.hostPins ?? null,
  }
  let profile: RegistryProfile
  if (existing) {
    profile = deps.profiles.update(existing.id, fields)
  } else {
    const created = deps.profiles.save({ name: input.name, url: endpoint.url, kind, insecure })
    try {
      profile = deps.profiles.update(created.id, fields)
    } catch (error) {
      deps.profiles.remove(created.id)
      throw error
    }
  }
  if (request.credential) {
    try {
      await deps.secrets.set(profile.id, request.credential.secret)
      await deps.secrets.delete(refreshAccount(profile.id))
    } catch (error) {
      // Nothing of a failed save may stay behind: a new profile goes (with a secret half stored),
      // an edited one is put back.
      if (existing) deps.profiles.update(existing.id, restorePatch(existing))
      else {
        deps.profiles.remove(profile.id)
        await deps.secrets.delete(profile.id).catch(() => false)
      }
      await deps.forget(profile.id)
      throw error
    }
  }
  await deps.forget(profile.id)
  return {
    profile,
    access: ping.access ?? 'open',
    ...(gitlab ? { gitlab } : {}),
  }
}
