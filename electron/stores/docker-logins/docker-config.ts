// Importing the logins people already have in docker/podman. Scanning lists registries and
// usernames only (no secret leaves this module at scan time); the secret of a login is read only
// when the user picks it for import, and copied straight into the keychain.
import type { DockerLoginCandidate } from '../../../shared/ipc'
import { BerthError } from '../../../shared/errors'
import type { RegistryProfile } from '../../../shared/types'
import { isLoopbackHost } from '../../http/host-address'
import {
  decodeAuthEntry,
  dockerAuthConfigOrigin,
  dockerConfigPath,
  identityTokenUsername,
  podmanAuthPaths,
  readAuthConfigFile,
  readDockerAuthConfigEnv,
  usernameOfEntry,
  type DecodedLogin,
  type LoadedAuthConfig,
} from './auth-config'
import { helperGet, helperList } from './credential-helper'
import type { ProfileStore } from '../profiles/profile-store'
import { detectRegistryKind } from '../profiles/registry-kind'
import { dockerHubHost, normalizeRegistryHost } from '../profiles/registry-host'
import { refreshAccount, type SecretStore } from '../secrets/secret-store'

export type { DecodedLogin } from './auth-config'

const podmanPrefix = 'podman:'

interface ConfigSet {
  /** Docker's sources in precedence order: DOCKER_AUTH_CONFIG, then config.json. */
  docker: LoadedAuthConfig[]
  /** The first podman auth file that exists. */
  podman: LoadedAuthConfig | null
}

function loadConfigs(env: NodeJS.ProcessEnv): ConfigSet {
  const docker = [readDockerAuthConfigEnv(env), readAuthConfigFile(dockerConfigPath(env))].filter((c): c is LoadedAuthConfig => c !== null)
  let podman: LoadedAuthConfig | null = null
  for (const path of podmanAuthPaths(env)) {
    podman = readAuthConfigFile(path)
    if (podman !== null) break
  }
  return { docker, podman }
}

/** Where a key's secret lives inside one config, following docker's rules: credHelpers[host] beats credsStore beats inline auths. */
type Location =
  { via: 'helper'; helper: string; serverUrl: string; inline: LoadedAuthConfig | null } | { via: 'inline'; loaded: LoadedAuthConfig }

function helperFor(config: LoadedAuthConfig['config'], key: string): string | null {
  const helpers = config.credHelpers ?? {}
  const host = normalizeRegistryHost(key)
  const byHost = Object.entries(helpers).find(
    ([helperKey]) => helperKey === key || (host !== null && normalizeRegistryHost(helperKey) === host),
  )
  if (byHost) return byHost[1]
  return config.credsStore !== undefined && config.credsStore.length > 0 ? config.credsStore : null
}

function locate(loaded: LoadedAuthConfig, key: string): Location | null {
  const helper = helperFor(loaded.config, key)
  const hasInline = loaded.config.auths?.[key] !== undefined
  if (helper !== null) return { via: 'helper', helper, serverUrl: key, inline: hasInline ? loaded : null }
  return hasInline ? { via: 'inline', loaded } : null
}

interface Found {
  key: string
  source: DockerLoginCandidate['source']
  loaded: LoadedAuthConfig
}

async function candidatesOf(
  loaded: LoadedAuthConfig,
  source: 'docker' | 'podman',
  env: NodeJS.ProcessEnv,
): Promise<(Found & { username: string | null })[]> {
  const { config, origin } = loaded
  const fromEnv = origin === dockerAuthConfigOrigin
  const inlineSource: DockerLoginCandidate['source'] =
    source === 'podman' ? 'podman-auth' : fromEnv ? 'DOCKER_AUTH_CONFIG' : 'docker-config'
  const helperSource: DockerLoginCandidate['source'] =
    source === 'podman' ? 'podman-auth' : fromEnv ? 'DOCKER_AUTH_CONFIG' : 'docker-credential-helper'
  const found = new Map<string, Found & { username: string | null }>()
  const listed = new Map<string, Record<string, string> | null>()
  const listOf = async (helper: string): Promise<Record<string, string> | null> => {
    if (!listed.has(helper)) {
      // Usernames for display only; a helper that cannot list still lets the user import by key.
      listed.set(helper, await helperList(helper, { env }).catch(() => null))
    }
    return listed.get(helper) ?? null
  }
  for (const key of Object.keys(config.credHelpers ?? {})) {
    const helper = config.credHelpers?.[key]
    if (helper === undefined) continue
    const list = await listOf(helper)
    found.set(key, { key, source: helperSource, loaded, username: usernameFromList(list, key) })
  }
  if (config.credsStore !== undefined && config.credsStore.length > 0) {
    const list = (await listOf(config.credsStore)) ?? {}
    for (const [serverUrl, username] of Object.entries(list)) {
      // Docker Desktop keeps its own session tokens in the same store (…/v1/access-token): not logins.
      if (!isRegistryKey(serverUrl)) continue
      if (!found.has(serverUrl) && helperFor(config, serverUrl) === config.credsStore)
        found.set(serverUrl, {
          key: serverUrl,
          source: helperSource,
          loaded,
          username: username === identityTokenUsername ? null : username,
        })
    }
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (found.has(key)) continue
    const location = locate(loaded, key)
    if (location?.via === 'helper') {
      const list = await listOf(location.helper)
      found.set(key, { key, source: helperSource, loaded, username: usernameFromList(list, key) })
      continue
    }
    // Placeholder entries (`{}`) with no helper hold nothing to import.
    if (decodeAuthEntry(entry, origin, key) === null) continue
    found.set(key, { key, source: inlineSource, loaded, username: usernameOfEntry(entry, origin, key) })
  }
  return [...found.values()]
}

function isRegistryKey(serverUrl: string): boolean {
  const path = /^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(serverUrl.trim())?.[1] ?? ''
  return ['', '/', '/v1/', '/v1', '/v2/', '/v2'].includes(path)
}

function usernameFromList(list: Record<string, string> | null, key: string): string | null {
  if (list === null) return null
  const host = normalizeRegistryHost(key)
  const match = Object.entries(list).find(
    ([serverUrl]) => serverUrl === key || (host !== null && normalizeRegistryHost(serverUrl) === host),
  )
  const username = match?.[1]
  return username === undefined || username === identityTokenUsername ? null : username
}

/**
 * Every docker/podman login found on this machine, without secrets. DOCKER_AUTH_CONFIG entries
 * shadow config.json entries with the same key (docker's precedence).
 */
export async function scanLogins(env: NodeJS.ProcessEnv = process.env, profiles?: ProfileStore): Promise<DockerLoginCandidate[]> {
  const configs = loadConfigs(env)
  const results: DockerLoginCandidate[] = []
  const seen = new Set<string>()
  const push = (found: Found & { username: string | null }, key: string): void => {
    if (seen.has(key)) return
    const host = normalizeRegistryHost(found.key)
    if (host === null) return
    seen.add(key)
    results.push({
      key,
      registryUrl: registryUrlFor(found.key, host),
      username: found.username,
      source: found.source,
      existingProfileId: profiles?.findByHost(host)?.id ?? null,
    })
  }
  for (const loaded of configs.docker) {
    for (const found of await candidatesOf(loaded, 'docker', env)) push(found, found.key)
  }
  if (configs.podman !== null) {
    for (const found of await candidatesOf(configs.podman, 'podman', env)) push(found, `${podmanPrefix}${found.key}`)
  }
  return results
}

/** `https://host` for a login key; loopback registries speak plain http unless the key says https. */
function registryUrlFor(key: string, host: string): string {
  if (host === dockerHubHost) return `https://${dockerHubHost}`
  const scheme = /^(https?):\/\//i.exec(key.trim())?.[1]?.toLowerCase()
  if (scheme !== undefined) return `${scheme}://${host}`
  return isLoopbackHost(host) ? `http://${host}` : `https://${host}`
}

function unknownKey(key: string): BerthError {
  return new BerthError({
    code: 'invalid_input',
    message: `No docker or podman login named "${key.slice(0, 200)}" was found.`,
    fix: 'Scan again: the login may have been removed since.',
  })
}

async function readAt(location: Location, key: string, env: NodeJS.ProcessEnv): Promise<DecodedLogin | null> {
  if (location.via === 'inline') {
    const entry = location.loaded.config.auths?.[key]
    return entry === undefined ? null : decodeAuthEntry(entry, location.loaded.origin, key)
  }
  const credential = await helperGet(location.helper, location.serverUrl, { env })
  if (credential !== null) {
    // Helpers mark an identity token with the username `<token>` (docker/cli credentials).
    return credential.username === identityTokenUsername
      ? { username: identityTokenUsername, secret: credential.secret, kind: 'refresh_token' }
      : { username: credential.username, secret: credential.secret, kind: 'basic' }
  }
  // docker's native store falls back to what config.json holds inline.
  const entry = location.inline?.config.auths?.[key]
  return entry === undefined || location.inline === null ? null : decodeAuthEntry(entry, location.inline.origin, key)
}

/** The secret behind one scanned key: call only when the user chose to import it. */
export async function readLoginSecret(key: string, env: NodeJS.ProcessEnv = process.env): Promise<DecodedLogin> {
  const configs = loadConfigs(env)
  const isPodman = key.startsWith(podmanPrefix)
  const sources = isPodman ? (configs.podman === null ? [] : [configs.podman]) : configs.docker
  const innerKey = isPodman ? key.slice(podmanPrefix.length) : key
  for (const loaded of sources) {
    const location = locate(loaded, innerKey)
    if (location === null) continue
    const login = await readAt(location, innerKey, env)
    if (login !== null) return login
  }
  throw unknownKey(key)
}

export interface ImportContext {
  profiles: ProfileStore
  secrets: SecretStore
  env?: NodeJS.ProcessEnv
}

/**
 * Creates or updates one profile per picked key and copies only those secrets into the keychain.
 * Every secret is read before anything is written, so a failing helper leaves nothing half-done.
 */
export async function importLogins(keys: readonly string[], context: ImportContext): Promise<RegistryProfile[]> {
  const env = context.env ?? process.env
  const picked: { key: string; host: string; login: DecodedLogin }[] = []
  for (const key of keys) {
    const host = normalizeRegistryHost(key.startsWith(podmanPrefix) ? key.slice(podmanPrefix.length) : key)
    if (host === null) throw unknownKey(key)
    picked.push({ key, host, login: await readLoginSecret(key, env) })
  }
  const imported: RegistryProfile[] = []
  for (const { key, host, login } of picked) {
    const innerKey = key.startsWith(podmanPrefix) ? key.slice(podmanPrefix.length) : key
    const username = login.kind === 'basic' ? login.username : login.account
    const existing = context.profiles.findByHost(host)
    const profile = existing
      ? context.profiles.update(existing.id, { username })
      : context.profiles.save({
          name: host,
          url: registryUrlFor(innerKey, host),
          kind: detectRegistryKind({ headers: {} }, `https://${host}`),
          ...(username === undefined ? {} : { username }),
        })
    if (login.kind === 'refresh_token') {
      await context.secrets.set(refreshAccount(profile.id), login.secret)
      await context.secrets.delete(profile.id)
    } else {
      await context.secrets.set(profile.id, login.secret)
      // A stale refresh token would win over the imported password (credential-source.ts).
      await context.secrets.delete(refreshAccount(profile.id))
    }
    imported.push(profile)
  }
  return imported
}
